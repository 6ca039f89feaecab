"""The kit's one chart theme and helpers. Every chart in the kit is made through here.

The palette is colour-blind safe (built from the Okabe-Ito and Tol sets) and every colour has at
least 3:1 contrast on white, the WCAG 2.1 minimum for graphical objects. Every chart carries a
title and a description; the description becomes the SVG's text alternative (`aria-label`).
"""

from __future__ import annotations

import altair as alt

THEME = "daas"
PALETTE = ["#0072B2", "#D55E00", "#117733", "#882255", "#332288", "#AA4499", "#8C6D00", "#444444"]
SEQUENTIAL = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"


@alt.theme.register(THEME, enable=False)
def daas_theme() -> alt.theme.ThemeConfig:
    """Readable fonts, the accessible palette, quiet gridlines."""
    return {
        "config": {
            "background": BACKGROUND,
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "title": {
                "fontSize": 16,
                "fontWeight": 600,
                "anchor": "start",
                "color": TEXT,
                "subtitleFontSize": 13,
                "subtitleColor": "#444444",
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "labelColor": TEXT,
                "titleColor": TEXT,
                "gridColor": "#e6e6e6",
                "domainColor": "#767676",
                "tickColor": "#767676",
            },
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "labelColor": TEXT,
                "titleColor": TEXT,
            },
            "range": {"category": PALETTE, "ramp": SEQUENTIAL, "heatmap": SEQUENTIAL},
            "bar": {"fill": PALETTE[0]},
            "line": {"stroke": PALETTE[0], "strokeWidth": 2.5},
            "point": {"fill": PALETTE[0], "size": 60},
        }
    }


def use_theme() -> None:
    """Enable the kit's theme (idempotent). Call once at the top of a notebook."""
    alt.theme.enable(THEME)


def describe(
    chart: alt.TopLevelMixin, title: str, description: str, subtitle: str | None = None
) -> alt.TopLevelMixin:
    """Give a chart its visible title and its text alternative. Both are required."""
    if not title.strip() or not description.strip():
        raise ValueError("every chart needs a non-empty title and description")
    params = {"text": title, **({"subtitle": subtitle} if subtitle else {})}
    return chart.properties(title=alt.TitleParams(**params), description=description)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio between two #rrggbb colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
