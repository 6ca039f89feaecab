"""The packs layer: a city's workshop pack, run for real, above the features and the site.

The runner (`workshop`: plan, prepare with `templating`, run with papermill), warm kernels
(`kernels`) over IPC sockets (`kernel_ipc`, `kernel_provisioner`), batches on a process pool or a
Dask cluster (`batch`), JupyterLab on a pack (`lab`) and the commands `daas workshop run`,
`daas lab` and `daas notebooks normalize` (`cli`).
"""
