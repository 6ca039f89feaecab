"""The answer to a learner's check: right or not yet, with a specific message and a hint."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from daas.core.city import City
from daas.core.errors import DaasError
from daas.core.i18n import _
from daas.core.io import atomic_write_text, locked


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer."""

    correct: bool
    message: str
    hint: str = ""

    def __str__(self) -> str:
        head = _("Correct") if self.correct else _("Not yet")
        hint = " " + _("Hint: {hint}").format(hint=self.hint) if self.hint else ""
        return f"{head}: {self.message}{hint}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        """The feedback in a notebook: a mark, then the message as a sentence (capital first),
        and the hint, whose code is in `backquotes`."""
        head = "✅ **" + _("Correct.") + "**" if self.correct else "💡 **" + _("Not yet.") + "**"
        hint = " *" + _("Hint:") + f"* {self.hint}" if self.hint else ""
        return f"{head} {self.message[:1].upper()}{self.message[1:]}{hint}"


def not_yet(message: str, hint: str = "") -> Feedback:
    return Feedback(False, message, hint)


def right(message: str) -> Feedback:
    return Feedback(True, message)


def unanswered(example: str) -> Feedback:
    """Feedback for a blank answer (`None` or `...`): the code to write, as code."""
    hint = _("set it like this: {example}").format(example=f"`{example}`")
    return not_yet(_("you have not answered yet."), hint)


Check = Callable[[object, City], Feedback]


def example(code: str, **words: str) -> Callable[[Check], Check]:
    """Give a check the example answer a learner who has not answered sees: `code`, each
    `{word}` in it filled with that word (English, marked with `N_`) in the learner's language,
    `@example('answer = "{name}"', name=N_("Name of the neighbourhood"))` under `@kindly`.
    Without it, the example is the check's docstring's, after `Example: ` (code only)."""

    def give(check: Check) -> Check:
        check.example = (code, words)  # type: ignore[attr-defined]
        return check

    return give


def example_of(check: Check) -> str:
    """The example answer of `check` in the learner's language (see `example`)."""
    given = getattr(check, "example", None)
    if given is None:
        doc = (check.__doc__ or "").split("Example: ", 1)[-1]
        return doc.strip().splitlines()[0].strip()
    code, words = given
    return code.format(**{k: _(w) for k, w in words.items()})


def kindly(check: Check) -> Check:
    """Wrap a check so that no answer, however odd, ends in a traceback."""

    @functools.wraps(check)
    def wrapper(answer: object, city: City) -> Feedback:
        if answer is None or answer is Ellipsis:
            return unanswered(example_of(check))
        try:
            return check(answer, city)
        except DaasError as exc:  # the city's data has a problem: say which file and field
            return not_yet(
                _("the check could not read {city}'s data. {problem}").format(
                    city=city.name, problem=exc
                ),
                _("ask your coach."),
            )
        except Exception as exc:  # a learner never sees a traceback
            return not_yet(
                _("the check could not understand this answer ({error}).").format(
                    error=f"{type(exc).__name__}: {exc}"
                ),
                _("compare the shape of your answer with the example in the question."),
            )

    return wrapper


FORM_RECORD = ".daas-form-checks.json"  # beside the notebooks: what their forms last answered


def record_form_check(exercise: str, correct: bool) -> None:
    """Note, beside the notebook whose kernel runs this, whether its form for `exercise` was
    answered right: a form's feedback lives in a widget, which a saved notebook does not keep,
    so a coach's view of who passed what (`daas hub status`) reads this. Only in a kernel that
    JupyterLab started for a notebook (it names it in JPY_SESSION_NAME); nowhere else."""
    session = os.environ.get("JPY_SESSION_NAME")
    if not session:
        return
    record = Path.cwd() / FORM_RECORD
    with locked(Path.cwd()):
        checks = form_checks(Path.cwd())
        checks.setdefault(Path(session).name, {})[exercise] = correct
        atomic_write_text(record, json.dumps(checks, indent=1, ensure_ascii=False) + "\n")


def form_checks(folder: Path) -> dict[str, dict[str, bool]]:
    """What the forms of the notebooks in `folder` last answered: notebook → exercise → right."""
    try:
        found = json.loads((folder / FORM_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
