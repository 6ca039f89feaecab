"""A masterclass room: one JupyterHub serves a city's learner pack to every participant.

`room.py` (the rehearsal on loopback), `spawner.py` (each participant's home and server),
`merge.py` (a pack update that keeps participants' answers), `status.py` (who is logged in, which
exercises each has passed), `server.py` (the files for a real server); `cli.py` is `daas hub`.
This package's `__init__` imports nothing, so the command line starts fast.
"""
