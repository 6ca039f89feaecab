"""How housing's data package and Datasette database describe themselves: the package's
description and keywords, and the canned queries for residents and staff."""

from __future__ import annotations

from daas.core.city import City


def package_text(city: City) -> tuple[str, list[str]]:
    """The data package's description and keywords."""
    description = (
        f"Affordable homes in {city.name}: the inventory of affordable homes, income limits, "
        "supply by neighbourhood, rental listings summarised with small cells suppressed, "
        "and the rows that failed quality checks."
    )
    return description, ["affordable housing", "income limits", "rental listings", city.name]


def queries(meta: dict) -> dict[str, dict]:
    """Canned queries: homes a household may qualify for, homes by neighbourhood, ending
    affordability, supply gaps (with the city's neighbourhoods), quality problems."""
    out = {
        "homes_i_may_qualify_for": {
            "title": "Homes I may qualify for",
            "description": (
                "Affordable homes with the number of bedrooms you need, in income bands your "
                "household's yearly income qualifies for, by neighbourhood."
            ),
            "sql": (
                "select i.neighbourhood, i.income_band, sum(i.units) as homes, "
                "count(distinct i.building_id) as buildings\n"
                "from inventory i join income_limits l\n"
                "  on l.income_band = i.income_band and l.household_size = :household_size\n"
                "where i.bedrooms = :bedrooms and cast(:income as real) <= l.max_income\n"
                "  and i.tenure = 'rental'\n"
                "group by i.neighbourhood, i.income_band order by homes desc"
            ),
        },
        "homes_by_neighbourhood": {
            "title": "Affordable homes by neighbourhood",
            "sql": (
                "select neighbourhood, sum(units) as homes, sum(expiring_5y) as expiring_5y "
                "from neighbourhood_supply group by neighbourhood order by homes desc"
            ),
        },
        "expiring_affordability": {
            "title": "Staff: affordability ending within N years",
            "description": (
                "Buildings whose affordability requirement ends within :years years after "
                ":as_of (YYYY-MM-DD), soonest first."
            ),
            "sql": (
                "select building_id, project_name, address, neighbourhood, "
                "sum(units) as homes, affordability_end\n"
                "from inventory where affordability_end is not null\n"
                "  and affordability_end >= date(:as_of)\n"
                "  and affordability_end <= date(:as_of, '+' || cast(:years as integer) || "
                "' years')\n"
                "group by building_id, affordability_end order by affordability_end"
            ),
        },
        "supply_gaps": {
            "title": "Staff: affordable homes per 100 renting households",
            "sql": (
                "select n.neighbourhood, n.renting_households, coalesce(sum(s.units), 0) as homes,"
                "\n  round(100.0 * coalesce(sum(s.units), 0) / n.renting_households, 1)"
                " as homes_per_100_renters\n"
                "from neighbourhoods n left join neighbourhood_supply s "
                "on s.neighbourhood = n.neighbourhood\n"
                "group by n.neighbourhood order by homes_per_100_renters"
            ),
        },
        "quality_issues_by_reason": {
            "title": "Staff: quality problems by reason",
            "sql": (
                "select dimension, reason, count(*) as rows_affected, sum(excluded) as left_out "
                "from quality_issues group by dimension, reason order by rows_affected desc"
            ),
        },
    }
    if not meta.get("has_reference"):
        out.pop("supply_gaps")
    return out
