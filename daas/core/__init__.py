"""The core layer: what every other part of the kit builds on, and which imports none of them.

Errors (`errors`), locations (`paths`), atomic writes (`io`), languages at run time (`i18n`), the
city file (`city`, `city_programme`), forgiving tables and text (`tables`, `text`), charts and the
display boundary (`charts`, `display`), Markdown escaping (`markdown`), sample-data rules
(`samples`) and the notebook normal form (`notebooks`).
"""
