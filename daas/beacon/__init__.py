"""The Beacon Data Service: an end-to-end data service a city can adapt to its priority problem.

Stages: load the city's exports through their mappings (`load`), check quality (`quality`),
protect partner data (`daas.privacy`), aggregate with the city's recipe (`recipes`: affordable
housing is the first), publish a data package, a database and page data (`publish`), all run by
`pipeline.build` and recorded in `records`.
"""
