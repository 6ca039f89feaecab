"""The Beacon's second recipe, service requests (311): the canonical Open311 GeoReport v2 table,
its stricter privacy rules (`privacy`), the published aggregates computed with DuckDB
(`aggregates`), a seeded generator of realistic requests (`generate`), and the recipe the
pipeline runs (`recipe.ServiceRequests`: quality rules in `checks`, package text and canned
queries in `metadata`, page data in `pages`)."""

from __future__ import annotations

from daas.beacon.recipes.service_requests.recipe import ServiceRequests

SERVICE_REQUESTS = ServiceRequests()
