"""The site layer: the Jupyter Book site and its variants, built from `book/` with the core.

Variants of the book (`variants`) and the runs of Jupyter Book (`book`), a city's edition
(`edition`), the Sphinx extensions (`sphinx_ext`, `coach`), the vendored assets (`assets`,
`site_assets`), the translation catalogues (`catalogues`, `i18n_files`) and the commands
`daas book`, `daas assets` and `daas i18n` (`cli`).
"""
