"""Keep the built site light: the theme ships Font Awesome's full icon set (about 1.5 MB of
JavaScript on every page) to draw a dozen icons. After a build, `slim_icons` replaces it with a
small script holding only the icons the site uses, drawn the same way (inline SVG that keeps the
`fa-*` classes, hidden from screen readers as the theme's buttons carry their own labels).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from daas.core.io import atomic_write_text

FONTAWESOME = Path("_static") / "scripts" / "fontawesome.js"
USED = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
MARK = "/* daas: slim Font Awesome */"

RUNTIME = """%(mark)s
/* Icons: Font Awesome Free %(version)s by @fontawesome, https://fontawesome.com, CC BY 4.0. */
(function () {
  var I = %(icons)s, NS = "http://www.w3.org/2000/svg";
  var css = document.createElement("style");
  css.textContent = ".svg-inline--fa{display:inline-block;height:1em;overflow:visible;" +
    "vertical-align:-.125em;box-sizing:content-box}.svg-inline--fa.fa-lg{font-size:1.25em;" +
    "line-height:.05em;vertical-align:-.2em}";
  document.head.appendChild(css);
  function draw(el) {
    var name = null;
    el.classList.forEach(function (c) {
      if (c.slice(0, 3) === "fa-" && I[c.slice(3)]) name = c.slice(3);
    });
    if (!name) return;
    var d = I[name], svg = document.createElementNS(NS, "svg");
    var path = document.createElementNS(NS, "path");
    svg.setAttribute("class", "svg-inline--fa " + el.getAttribute("class"));
    svg.setAttribute("viewBox", "0 0 " + d[0] + " " + d[1]);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", d[2]);
    svg.appendChild(path);
    el.replaceWith(svg);
  }
  function scan(root) {
    if (root.matches && root.matches("i[class*='fa-']")) draw(root);
    if (root.querySelectorAll) root.querySelectorAll("i[class*='fa-']").forEach(draw);
  }
  function start() {
    scan(document.body);
    new MutationObserver(function (ms) {
      ms.forEach(function (m) { m.addedNodes.forEach(scan); });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
"""


def _icon(source: str, name: str) -> list | None:
    """`[width, height, path]` for `name` from Font Awesome's bundled definitions."""
    pattern = re.compile(
        r'[{,]"?'
        + re.escape(name)
        + r'"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]*",("(?:[^"\\]|\\.)*")\]'
    )
    m = pattern.search(source)
    return [int(m.group(1)), int(m.group(2)), json.loads(m.group(3))] if m else None


def used_icons(html_dir: Path) -> set[str]:
    """The `fa-*` names in the built pages and the theme's own scripts."""
    names: set[str] = set()
    files = [*html_dir.rglob("*.html"), *(html_dir / "_static" / "scripts").glob("*.js")]
    for f in files:
        if f.name != "fontawesome.js":
            names.update(USED.findall(f.read_text(encoding="utf-8", errors="replace")))
    return names


def slim_icons(html_dir: Path) -> int:
    """Replace the built site's Font Awesome bundle with the icons it uses; return its new size
    in bytes (0 when the site has no bundle)."""
    target = html_dir / FONTAWESOME
    if not target.exists():
        return 0
    source = target.read_text(encoding="utf-8")
    if source.startswith(MARK):
        return len(source.encode())
    notice = target.with_name("fontawesome.js.LICENSE.txt")
    version = re.search(
        r"Font Awesome Free ([0-9.]+)", notice.read_text() if notice.exists() else ""
    )
    icons = {}
    for name in sorted(used_icons(html_dir)):
        found = _icon(source, name)
        if found:
            icons[name] = found
    text = RUNTIME % {
        "mark": MARK,
        "version": version.group(1) if version else "6",
        "icons": json.dumps(icons, separators=(",", ":")),
    }
    atomic_write_text(target, text)
    (html_dir / "_static" / "scripts" / "fontawesome.js.map").unlink(missing_ok=True)
    return len(text.encode())
