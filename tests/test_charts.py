"""The one chart theme: accessible palette, titles and descriptions."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from daas.core import charts


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_palette_contrast_on_white_is_at_least_3_to_1(colour: str) -> None:
    assert charts.contrast_ratio(colour, charts.BACKGROUND) >= 3.0


def test_text_contrast_is_at_least_4_5_to_1() -> None:
    assert charts.contrast_ratio(charts.TEXT, charts.BACKGROUND) >= 4.5


def test_contrast_ratio_known_values() -> None:
    assert charts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_palette_colours_are_distinct() -> None:
    assert len(set(charts.PALETTE)) == len(charts.PALETTE)


def test_theme_is_applied() -> None:
    charts.use_theme()
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a")
    assert alt.theme.active == charts.THEME
    cfg = chart.to_dict()["config"]
    assert cfg["range"]["category"] == charts.PALETTE


def test_describe_requires_title_and_description() -> None:
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a")
    with pytest.raises(ValueError):
        charts.describe(chart, "", "something")
    with pytest.raises(ValueError):
        charts.describe(chart, "A title", "  ")
    spec = charts.describe(chart, "A title", "What it shows", subtitle="Sub").to_dict()
    assert spec["title"] == {"text": "A title", "subtitle": "Sub"}
    assert spec["description"] == "What it shows"


def test_renderer_escapes_markup_inside_the_chart_script() -> None:
    import json
    import re

    charts.use_theme()
    hostile = "Port </script><script>alert('x')</script> & co"
    chart = charts.describe(
        alt.Chart(pd.DataFrame({"name": [hostile]})).mark_bar().encode(y="name"), hostile, hostile
    )
    spec = chart.to_dict()
    html = alt.renderers.get()(spec)["text/html"]
    assert "<script>alert" not in html
    assert html.count("</script>") == html.count("<script")  # only the template's own tags
    embedded = re.search(r"^\}\)\((\{.*\}), \{", html, re.S | re.M)
    assert embedded, "could not find the spec in altair's HTML"
    assert json.loads(embedded.group(1)) == spec  # the escapes decode to the same text
    assert "cdn" not in html and "http" not in html.replace(spec["$schema"], "")
