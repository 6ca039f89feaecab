"""The kit's one chart theme and helpers. Every chart in the kit is made through here.

The palette is colour-blind safe (built from the Okabe-Ito and Tol sets) and every colour has at
least 3:1 contrast on white, the WCAG 2.1 minimum for graphical objects. Every chart carries a
title and a description; the description becomes the SVG's text alternative (`aria-label`).
"""

from __future__ import annotations

import json
import uuid
from typing import TypeVar

import altair as alt

from daas.core.formats import vega_locale

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)

THEME = "daas"
PALETTE = ["#0072B2", "#D55E00", "#117733", "#882255", "#332288", "#AA4499", "#8C6D00", "#444444"]
SEQUENTIAL = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"


@alt.theme.register(THEME, enable=False)
def daas_theme() -> alt.theme.ThemeConfig:
    """Readable fonts, the accessible palette, quiet gridlines; numbers and dates written as
    the reader's language writes them (read when a chart is drawn)."""
    return {
        "config": {
            "locale": vega_locale(),  # type: ignore[typeddict-item]  # a plain dict of Babel symbols
            "numberFormat": NUMBER_FORMAT,
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


# numbers on guides, text marks and tooltips without a format of their own: grouped, at most two
# decimals, with the reader's separators (`config.locale`): 7,553 / 7.553; 0.08 / 0,08
NUMBER_FORMAT = ",.2~f"
VEGA_BUNDLE_URL = "files/vendor/vega-offline.js"  # JupyterLab serves the pack's files here
EMBED_OPTIONS = {"mode": "vega-lite", "actions": False, "renderer": "svg"}
_TEMPLATE = """<div id="altair-viz-{uid}" class="daas-chart"></div>
<script type="text/javascript">
(function (spec, opt) {{
  var el = document.getElementById("altair-viz-{uid}");
  function show() {{
    vegaEmbed(el, spec, opt).catch(function (e) {{ el.textContent = "Chart error: " + e; }});
  }}
  if (typeof vegaEmbed === "function") {{ show(); return; }}
  if (!window.daasVega) {{
    window.daasVega = new Promise(function (resolve, reject) {{
      var cfg = document.getElementById("jupyter-config-data");
      var base = cfg ? JSON.parse(cfg.textContent).baseUrl : "/";
      var s = document.createElement("script");
      s.src = base + "{bundle}";
      s.onload = resolve;
      s.onerror = function () {{ reject(new Error("vega bundle not found at " + s.src)); }};
      document.head.appendChild(s);
    }});
  }}
  window.daasVega.then(show, function (e) {{ el.textContent = "Chart error: " + e.message; }});
}})({spec}, {options});
</script>"""


def _script_safe_json(value: object) -> str:
    """JSON with `<`, `>` and `&` escaped, so no string in it can close the `<script>`."""
    raw = json.dumps(value, sort_keys=True)
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def offline_html_renderer(spec: dict, **metadata: object) -> dict:
    """The kit's chart output: HTML that renders with the vendored vega, never a CDN.

    On the website the vendored bundle is already on the page; in JupyterLab the script loads it
    from the city pack's `vendor/` folder. Every string in the spec (titles, data values, a
    hostile city name) is escaped so it cannot end the script. The plain-text form is the chart's
    description, its text alternative.
    """
    html = _TEMPLATE.format(
        uid=uuid.uuid4().hex,
        bundle=VEGA_BUNDLE_URL,
        spec=_script_safe_json(spec),
        options=_script_safe_json(EMBED_OPTIONS),
    )
    text = spec.get("description") or "Chart"
    return {"text/html": html, "text/plain": f"<Chart: {text}>"}


alt.renderers.register(THEME, offline_html_renderer)


def use_theme() -> None:
    """Enable the kit's theme and safe renderer (idempotent). Call before making charts."""
    alt.theme.enable(THEME)
    alt.renderers.enable(THEME)


def describe(chart: ChartT, title: str, description: str, subtitle: str | None = None) -> ChartT:
    """Give a chart its visible title and its text alternative. Both are required."""
    if not title.strip() or not description.strip():
        raise ValueError("every chart needs a non-empty title and description")
    heading = alt.TitleParams(text=title, subtitle=subtitle or alt.Undefined)
    return chart.properties(title=heading, description=description)


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
