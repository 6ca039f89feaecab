"""Exercise 00 for a city whose Beacon counts residents' requests: the same number of requests
weighs most, per 1,000 residents, where the fewest people live."""

from __future__ import annotations

from daas.core.city import City
from daas.core.formats import number
from daas.core.i18n import N_, _
from daas.exercises.feedback import Feedback, example, kindly, not_yet, right
from daas.profile import city_profile

REQUESTS = 100  # the same number of requests in every neighbourhood


@kindly
@example('answer = "{name}"', name=N_("Name of the neighbourhood"))
def highest_rate(answer: object, city: City) -> Feedback:
    """Where would 100 requests be the most per 1,000 residents?

    Example: answer = "Name of the neighbourhood" """
    df = city_profile.read_neighbourhoods(city)
    names = list(df["neighbourhood"])
    fewest = int(df["population"].argmin())
    least, most = names[fewest], names[int(df["population"].argmax())]
    fewest_households = names[int(df["households"].argmin())]
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
    if clean == least.casefold():
        people = int(df["population"].iloc[fewest])
        text = _(
            "{name} has the fewest residents ({n}): {requests} requests there are {rate} "
            "per 1,000 residents, the highest rate."
        )
        rate = REQUESTS / people * 1000
        return right(
            text.format(name=least, n=number(people), requests=REQUESTS, rate=number(rate, 1))
        )
    hint = _("divide {requests} by each neighbourhood's population, then multiply by 1,000.")
    if clean == most.casefold():
        return not_yet(
            _("{answer} has the most residents: the same requests give it the lowest rate.").format(
                answer=answer
            ),
            hint.format(requests=REQUESTS),
        )
    if clean == fewest_households.casefold():
        return not_yet(
            _("{answer} has the fewest households, not the fewest residents.").format(
                answer=answer
            ),
            _("use `population`, not `households`."),
        )
    return not_yet(
        _("another neighbourhood has fewer residents, so a higher rate."),
        hint.format(requests=REQUESTS),
    )
