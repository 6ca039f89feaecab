"""What housing's resident and staff pages read: homes by neighbourhood, and the supply with
the homes whose affordability ends within five years."""

from __future__ import annotations

import pandas as pd


def page_data(public: dict[str, pd.DataFrame], meta: dict) -> dict[str, dict]:
    """The resident and staff pages' data (`Recipe.page_data`)."""
    supply = public["neighbourhood_supply"]
    by_hood = supply.groupby("neighbourhood")[["units", "expiring_5y"]].sum().reset_index()
    resident = {
        "as_of": meta["as_of"],
        "homes": int(supply["units"].sum()),
        "by_neighbourhood": by_hood.to_dict("records"),
    }
    staff = {
        "as_of": meta["as_of"],
        "expiring_5y": int(supply["expiring_5y"].sum()),
        "supply": supply.to_dict("records"),
    }
    return {"resident": resident, "staff": staff}
