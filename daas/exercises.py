"""Self-checking exercises: each check returns friendly, specific feedback, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from daas import profile
from daas.city import City


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer."""

    correct: bool
    message: str

    def __str__(self) -> str:
        return f"{'Correct' if self.correct else 'Not yet'}: {self.message}"

    def _repr_markdown_(self) -> str:
        return f"{'✅ **Correct.**' if self.correct else '💡 **Not yet.**'} {self.message}"


def most_renters(answer: object, city: City) -> Feedback:
    """Which neighbourhood has the most renting households?"""
    df = profile.read_neighbourhoods(city)
    renting = (df["households"] * df["renter_share"]).round()
    right = df.loc[renting.idxmax(), "neighbourhood"]
    most_households = df.loc[df["households"].idxmax(), "neighbourhood"]
    names = list(df["neighbourhood"])
    if answer is None or answer is Ellipsis:
        return Feedback(
            False, "set `answer` to a neighbourhood's name, in quotes, then run this cell again."
        )
    if not isinstance(answer, str):
        return Feedback(
            False,
            f'give the name as text in quotes, like "{names[0]}", not a {type(answer).__name__}.',
        )
    clean = answer.strip().casefold()
    if clean not in {n.casefold() for n in names}:
        return Feedback(
            False,
            f"'{answer}' is not one of {city.name}'s neighbourhoods. They are: {', '.join(names)}.",
        )
    if clean == right.casefold():
        return Feedback(True, f"{right} has about {int(renting.max()):,} renting households.")
    if clean == most_households.casefold():
        return Feedback(
            False,
            f"{answer} has the most households, but not the most renting "
            "ones. Multiply `households` by `renter_share` for each "
            "neighbourhood first.",
        )
    return Feedback(
        False,
        "that neighbourhood has fewer renting households than another. "
        "Hint: sort by households × renter_share.",
    )


CHECKS: dict[str, Callable[[object, City], Feedback]] = {"most-renters": most_renters}


def check(exercise: str, answer: object, city: City) -> Feedback:
    """Check `answer` for the named exercise."""
    if exercise not in CHECKS:
        return Feedback(
            False, f"there is no exercise called '{exercise}'. Known: {', '.join(CHECKS)}."
        )
    return CHECKS[exercise](answer, city)
