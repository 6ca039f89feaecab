"""Exercise 00: where do renters live?"""

from __future__ import annotations

from daas.core.city import City
from daas.core.formats import number
from daas.core.i18n import N_, _
from daas.exercises.feedback import Feedback, example, kindly, not_yet, right
from daas.profile import city_profile


@kindly
@example('answer = "{name}"', name=N_("Name of the neighbourhood"))
def most_renters(answer: object, city: City) -> Feedback:
    """Which neighbourhood has the most renting households?

    Example: answer = "Name of the neighbourhood" """
    df = city_profile.read_neighbourhoods(city)
    renting = (df["households"] * df["renter_share"]).round()
    best = df["neighbourhood"].iloc[renting.argmax()]
    most_households = df["neighbourhood"].iloc[df["households"].argmax()]
    names = list(df["neighbourhood"])
    if not isinstance(answer, str):
        return not_yet(
            _("give the name as text in quotes, not a {kind}.").format(kind=type(answer).__name__),
            _("for example: {example}").format(example=f'`answer = "{names[0]}"`'),
        )
    clean = answer.strip().casefold()
    if clean not in {n.casefold() for n in names}:
        return not_yet(
            _("'{answer}' is not one of {city}'s neighbourhoods.").format(
                answer=answer, city=city.name
            ),
            _("pick one of: {names}.").format(names=", ".join(names)),
        )
    if clean == best.casefold():
        return right(
            _("{name} has about {n} renting households.").format(
                name=best, n=number(int(renting.max()))
            )
        )
    if clean == most_households.casefold():
        return not_yet(
            _("{answer} has the most households, but not the most renting ones.").format(
                answer=answer
            ),
            _("multiply `households` by `renter_share` for each neighbourhood first."),
        )
    return not_yet(
        _("that neighbourhood has fewer renting households than another."),
        _("sort the table by households × renter_share."),
    )
