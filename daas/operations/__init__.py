"""Running a live service: its runs, requests, incidents and service levels (`live_service`)."""
