"""Exercise 00: where do renters live?"""

from __future__ import annotations

from daas import profile
from daas.city import City
from daas.exercises.feedback import Feedback, kindly, not_yet, right


@kindly
def most_renters(answer: object, city: City) -> Feedback:
    """Which neighbourhood has the most renting households?

    Example: answer = "Name of the neighbourhood" """
    df = profile.read_neighbourhoods(city)
    renting = (df["households"] * df["renter_share"]).round()
    best = df.loc[renting.idxmax(), "neighbourhood"]
    most_households = df.loc[df["households"].idxmax(), "neighbourhood"]
    names = list(df["neighbourhood"])
    if not isinstance(answer, str):
        return not_yet(
            f"give the name as text in quotes, not a {type(answer).__name__}.",
            f'for example: answer = "{names[0]}"',
        )
    clean = answer.strip().casefold()
    if clean not in {n.casefold() for n in names}:
        return not_yet(
            f"'{answer}' is not one of {city.name}'s neighbourhoods.",
            f"pick one of: {', '.join(names)}.",
        )
    if clean == best.casefold():
        return right(f"{best} has about {int(renting.max()):,} renting households.")
    if clean == most_households.casefold():
        return not_yet(
            f"{answer} has the most households, but not the most renting ones.",
            "multiply `households` by `renter_share` for each neighbourhood first.",
        )
    return not_yet(
        "that neighbourhood has fewer renting households than another.",
        "sort the table by households × renter_share.",
    )
