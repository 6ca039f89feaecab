"""The Data Service Standard: its points, a city's fork of them, and assessments against it."""
