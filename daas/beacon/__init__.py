"""The Beacon Data Service: an end-to-end affordable-housing data service a city can adapt.

Stages: load the city's exports through their mappings (`load`), check quality (`quality`),
protect partner data (`daas.privacy`), publish a data package, a database and page data
(`publish`), all run by `pipeline.build` and recorded in `records`.
"""
