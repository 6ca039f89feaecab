"""The answer to a learner's check: right or not yet, with a specific message and a hint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from daas.city import City
from daas.errors import DaasError


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer."""

    correct: bool
    message: str
    hint: str = ""

    def __str__(self) -> str:
        head = "Correct" if self.correct else "Not yet"
        return f"{head}: {self.message}" + (f" Hint: {self.hint}" if self.hint else "")

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        head = "✅ **Correct.**" if self.correct else "💡 **Not yet.**"
        return f"{head} {self.message}" + (f" *Hint:* {self.hint}" if self.hint else "")


def not_yet(message: str, hint: str = "") -> Feedback:
    return Feedback(False, message, hint)


def right(message: str) -> Feedback:
    return Feedback(True, message)


def unanswered(example: str) -> Feedback | None:
    """Feedback for a blank answer (`None` or `...`), else None."""
    return not_yet("you have not answered yet.", f"set `answer` like this: {example}")


Check = Callable[[object, City], Feedback]


def kindly(check: Check) -> Check:
    """Wrap a check so that no answer, however odd, ends in a traceback."""

    @functools.wraps(check)
    def wrapper(answer: object, city: City) -> Feedback:
        if answer is None or answer is Ellipsis:
            doc = (check.__doc__ or "").split("Example: ", 1)[-1]
            example = doc.strip().splitlines()[0].strip()
            return unanswered(example)
        try:
            return check(answer, city)
        except DaasError as exc:  # the city's data has a problem: say which file and field
            return not_yet(f"the check could not read {city.name}'s data. {exc}", "ask your coach.")
        except Exception as exc:  # a learner never sees a traceback
            return not_yet(
                f"the check could not understand this answer ({type(exc).__name__}: {exc}).",
                "compare the shape of your answer with the example in the question.",
            )

    return wrapper
