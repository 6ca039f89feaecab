"""User needs: from research notes to a prioritised backlog of user stories.

- `notes`: reading research notes (participant, user group, observation), reporting problems;
- `affinity`: a first automatic grouping of observations into themes, which the team edits;
- `stories`: the user-story checker (English, Spanish, Portuguese) and acceptance criteria;
- `prioritise`: MoSCoW and RICE, the backlog chart and its CSV and markdown export;
- `cli`: `daas needs check FILE`.

Import the sub-modules directly; this package imports nothing heavy so the CLI starts fast.
"""
