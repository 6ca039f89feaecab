"""Masterclasses: their timed agendas (`agendas`) and the learner and coach editions of the book
(`editions`)."""
