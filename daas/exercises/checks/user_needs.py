"""Masterclass 1, user needs: write a user story and its acceptance criteria."""

from __future__ import annotations

from daas.core.city import City
from daas.core.i18n import N_, _
from daas.exercises.feedback import Feedback, example, kindly, not_yet, right
from daas.needs.stories import TEMPLATES, check_story, criteria

DONE_WHEN = N_("Done when …")  # how an acceptance criterion starts
# A criterion specific enough to test, about what the city's Beacon recipe serves
SPECIFIC = {
    "housing": N_("say what someone can see or do, e.g. 'the page lists homes by rent'."),
    "service-requests": N_(
        "say what someone can see or do, e.g. 'the page lists open requests by neighbourhood'."
    ),
}


def template_intro(city: City) -> str:
    """The line above the city's user story template."""
    return _("{city} writes user stories like this:").format(city=city.name)


@kindly
@example('story = "{story}"', story=N_("As a resident, I need … so that …"))
def user_story(answer: object, city: City) -> Feedback:
    """A user story for the Beacon. Example: story = "As a resident, I need ... so that ..." """
    if not isinstance(answer, str):
        return not_yet(
            _("write the story as text in quotes, not a {kind}.").format(
                kind=type(answer).__name__
            ),
            TEMPLATES[city.language],
        )
    story = check_story(answer, city.language)
    if not story.ok:
        return not_yet(
            story.explain() + ".",
            _("follow the pattern: {template}").format(template=TEMPLATES[city.language]),
        )
    if story.need.casefold().strip() == story.goal.casefold().strip():
        return not_yet(
            _("the goal repeats the need."), _("say why the user needs it: what it lets them do.")
        )
    if len(story.goal.split()) < 3:
        return not_yet(
            _("the goal '{goal}' is too short to test against.").format(goal=story.goal),
            _("describe the outcome the user wants in a few words."),
        )
    return right(
        _("role: {role}; need: {need}; goal: {goal}.").format(
            role=story.role, need=story.need, goal=story.goal
        )
    )


@kindly
@example('criteria = ["{done}", "{done}"]', done=DONE_WHEN)
def acceptance_criteria(answer: object, city: City) -> Feedback:
    """Two or more acceptance criteria. Example: criteria = ["Done when ...", "Done when ..."]"""
    if isinstance(answer, str):
        answer = criteria(answer)
    if not isinstance(answer, list | tuple):
        return not_yet(
            _("give a list of criteria, not a {kind}.").format(kind=type(answer).__name__),
            _("write {example}").format(example=f'`["{_(DONE_WHEN)}", "{_(DONE_WHEN)}"]`'),
        )
    items = [c for a in answer for c in criteria(str(a))]
    if len(items) < 2:
        return not_yet(
            _("a story needs at least two acceptance criteria to be testable."),
            _("add another 'Done when ...' line."),
        )
    vague = [c for c in items if len(c.split()) < 4]
    if vague:
        return not_yet(
            _("'{criterion}' is too vague for a tester to check.").format(criterion=vague[0]),
            _(SPECIFIC[city.beacon_recipe()]),
        )
    return right(_("{n} criteria, each specific enough to test.").format(n=len(items)))
