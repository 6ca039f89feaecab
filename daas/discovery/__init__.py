"""Capability discovery (Appreciative Inquiry): the staff survey, its results and the interview
questions (`capability`)."""
