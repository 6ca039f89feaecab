"""Self-checking exercises: each check returns friendly, specific feedback, never a traceback.

Checks live in `daas.exercises.checks.<topic>`; `daas.exercises.checks.check(name, answer, city)`
runs one by name. Solution notebooks in `exercises/solutions/` are the one source of each
exercise; `daas.exercises.build` turns them into the learner notebooks in `exercises/`, and
`daas.exercises.cli` is `daas exercises build|check`. This package imports nothing, so the
command line starts fast.
"""
