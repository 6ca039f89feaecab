"""The Beacon's second recipe, service requests (311): the canonical Open311 GeoReport v2 table,
its stricter privacy rules (`privacy`), the published aggregates computed with DuckDB
(`aggregates`) and a seeded generator of realistic requests (`generate`)."""
