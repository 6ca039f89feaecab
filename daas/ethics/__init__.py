"""The data ethics assessment of a city's service: its answers, the form that writes them and the
record (`review`)."""
