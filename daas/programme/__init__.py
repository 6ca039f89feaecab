"""The programme companion: what leaders and coaches need around the twelve-month track.

- the city file's `readiness:`, `programme:` and `showcase:` sections are read by
  `daas.core.city_programme`;
- `readiness.py`: "is my city a good fit?", a verdict and what to put in place first;
- `track.py`, `milestones.py`, `team.py`: the suggested plan, milestones planned against done,
  the five roles and their hours;
- `checks.py`: warnings about gaps in the city file (never failures);
- `state.py`: the city's current state, read from the run and assessment records;
- `briefing.py`, `showcase.py`, `overview.py`: the leadership briefing, the case study and the
  coaches' overview (`fmt.py`: numbers as the city's language writes them); `outputs.py` writes
  them to `_build/cities/<slug>/programme/`, `cli.py` is `daas programme`.
"""
