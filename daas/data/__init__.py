"""Data files a team receives: what to know about a CSV before mapping it (`check`), and
`daas data check` (`cli`)."""
