"""Assessing a data service against the city's Data Service Standard.

Two kinds of evidence meet here:
- the team's own evidence file, `cities/evidence/<slug>.yml`: for each point a status
  (`met`, `partly-met` or `not-met`), the evidence in plain words, and optional actions;
- automatic evidence from the Beacon's last run record, `_build/cities/<slug>/beacon/run.json`.

Each point gets a red, amber or green rating: the worse of the team's status and the automatic
checks that feed the point. Without a Beacon run those points cannot be green. The overall rating
is the worst point rating. Outputs are written together, atomically, to
`_build/cities/<slug>/standard/`: `assessment.json`, `assessment.md` and `assessment-chart.vl.json`.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from daas.core.city import City
from daas.core.errors import DaasError, Problem
from daas.core.i18n import N_, _
from daas.core.markdown import escape_markdown
from daas.core.paths import cities_dir, city_build_dir
from daas.standard.points import STAGES, Point, city_points

RATINGS = (N_("green"), N_("amber"), N_("red"))  # best to worst; shown as `_(rating)`
STATUS_RATING = {"met": "green", "partly-met": "amber", "not-met": "red"}
STATUS_NAMES = {"met": N_("met"), "partly-met": N_("partly met"), "not-met": N_("not met")}
CHECK_RATING = {"pass": "green", "warn": "amber", "missing": "amber", "fail": "red"}
RATING_COLOURS = {"green": "#117733", "amber": "#8C6D00", "red": "#D55E00", "none": "#767676"}
POINT_KEYS = {"status", "evidence", "actions"}
QUALITY_DIMENSIONS = (
    "accuracy",
    "completeness",
    "uniqueness",
    "consistency",
    "timeliness",
    "validity",
)
QUALITY_PASS, QUALITY_WARN = 0.95, 0.80
METADATA_PASS, METADATA_WARN = 1.0, 0.80
FRESH_PASS_DAYS, FRESH_WARN_DAYS = 31, 92
NO_RUN = N_("no Beacon run yet")  # the check detail; shown as `_(NO_RUN)`


@dataclass(frozen=True)
class Check:
    """The result of one automatic check on the Beacon run record."""

    name: str
    status: str  # pass, warn, fail or missing
    detail: str


@dataclass
class PointResult:
    id: str
    title: str
    self_status: str
    evidence: str
    rating: str
    automatic: list[Check]
    actions: list[str]
    toolkit: list[str]
    page: str | None


@dataclass
class Assessment:
    city: str
    city_name: str
    stage: str
    evidence_file: str
    beacon_run: dict
    points: list[PointResult]
    overall: str
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


# --- paths -------------------------------------------------------------------------------------


def evidence_path(slug: str) -> Path:
    return cities_dir() / "evidence" / f"{slug}.yml"


def run_record_path(slug: str) -> Path:
    return city_build_dir(slug) / "beacon" / "run.json"


def output_dir(slug: str) -> Path:
    return city_build_dir(slug) / "standard"


# --- the team's evidence file ------------------------------------------------------------------


def read_evidence(city: City, points: list[Point], path: Path | None = None) -> dict:
    """Read and check the evidence file; every problem is reported at once, naming the point."""
    path = path or evidence_path(city.slug)
    shown = _shown(path)
    start = _("copy {example} to {file} and describe each point").format(
        example="cities/evidence/port-mallory.yml", file=shown
    )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        first = points[0]
        raise DaasError.one(
            shown,
            f"points.{first.id}",
            _("no evidence file, so no evidence for point '{title}' or any other point").format(
                title=_(first.title)
            ),
            start,
        ) from None
    except UnicodeDecodeError:
        raise DaasError.one(
            shown, "", _("the file is not UTF-8 text"), _("save it as UTF-8")
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DaasError.one(
            shown,
            _("line {row}").format(row=mark.line + 1) if mark else "",
            _("not valid YAML ({error})").format(error=getattr(exc, "problem", exc)),
            _("fix the indentation or quoting on that line"),
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("points"), dict):
        raise DaasError.one(
            shown,
            "points",
            _("the file has no `points:` mapping of point id to status and evidence"),
            start,
        )
    problems = _check_evidence(data, points, shown)
    if problems:
        raise DaasError(problems)
    return data


def _check_evidence(data: dict, points: list[Point], shown: str) -> list[Problem]:
    problems: list[Problem] = []
    stage = data.get("stage", "beta")
    if stage not in STAGES:
        problems.append(
            Problem(
                shown,
                "stage",
                _("'{stage}' is not a stage").format(stage=stage),
                _("use one of: {values}").format(values=", ".join(STAGES)),
            )
        )
    entries = data["points"]
    known = {p.id for p in points}
    for p in points:
        where = f"points.{p.id}"
        entry = entries.get(p.id)
        if entry is None:
            problems.append(
                Problem(
                    shown,
                    where,
                    _("no entry for point '{title}'").format(title=_(p.title)),
                    _("add `status:` (met, partly-met or not-met) and `evidence:` for this point"),
                )
            )
            continue
        if not isinstance(entry, dict):
            problems.append(
                Problem(
                    shown,
                    where,
                    _("point '{title}' is not a mapping").format(title=_(p.title)),
                    _("indent its fields"),
                )
            )
            continue
        for extra in sorted(set(entry) - POINT_KEYS):
            problems.append(
                Problem(
                    shown,
                    f"{where}.{extra}",
                    _("unknown field for point '{title}'").format(title=_(p.title)),
                    _("use only {fields}").format(fields="status, evidence and actions"),
                )
            )
        if entry.get("status") not in STATUS_RATING:
            problems.append(
                Problem(
                    shown,
                    f"{where}.status",
                    _("point '{title}' has status {status!r}").format(
                        title=_(p.title), status=entry.get("status")
                    ),
                    _("use met, partly-met or not-met"),
                )
            )
        ev = entry.get("evidence")
        if not isinstance(ev, str) or not ev.strip():
            problems.append(
                Problem(
                    shown,
                    f"{where}.evidence",
                    _("point '{title}' has no evidence text").format(title=_(p.title)),
                    _("describe in a sentence or two what the team can show, with links"),
                )
            )
        acts = entry.get("actions", [])
        if not isinstance(acts, list) or not all(isinstance(a, str) and a.strip() for a in acts):
            problems.append(
                Problem(
                    shown,
                    f"{where}.actions",
                    _("the actions for point '{title}' are not a list of sentences").format(
                        title=_(p.title)
                    ),
                    _("write each action as a `- ` item under `actions:`"),
                )
            )
    for pid in sorted(set(map(str, entries)) - known):
        problems.append(
            Problem(
                shown,
                f"points.{pid}",
                _("not a point of this city's standard"),
                _("use one of: {values} (or fix the city's `standard:`)").format(
                    values=", ".join(p.id for p in points)
                ),
            )
        )
    return problems


# --- automatic evidence from the Beacon ------------------------------------------------------


def read_run(slug: str) -> dict | None:
    """The Beacon's last run record, or None when it has not run yet."""
    path = run_record_path(slug)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DaasError.one(
            _shown(path),
            "",
            _("the Beacon run record is not valid JSON ({error})").format(error=exc),
            _("run the Beacon again"),
        ) from None
    if not isinstance(data, dict):
        raise DaasError.one(_shown(path), "", _("not a JSON object"), _("run the Beacon again"))
    return data


def automatic_checks(run: dict | None) -> dict[str, Check]:
    """Turn the Beacon run record into pass / warn / fail / missing checks."""
    if run is None:
        return {n: Check(n, "missing", _(NO_RUN)) for n in _CHECKS}
    return {n: fn(run) for n, fn in _CHECKS.items()}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def _check_package(run: dict) -> Check:
    v = run.get("package_valid")
    if v is True:
        return Check("package_valid", "pass", _("the published data package is valid"))
    if v is False:
        return Check("package_valid", "fail", _("the published data package failed validation"))
    return Check(
        "package_valid", "missing", _("the run record does not say if the package is valid")
    )


def _check_quality(run: dict) -> Check:
    q = run.get("quality")
    read = {d: _number(q.get(d)) for d in QUALITY_DIMENSIONS} if isinstance(q, dict) else {}
    scores = {d: s for d, s in read.items() if s is not None}
    if not scores:
        return Check("quality", "missing", _("the run record has no quality report"))
    worst = min(scores, key=lambda d: scores[d])
    detail = _("lowest quality dimension: {dimension} {score:.0%}").format(
        dimension=_(worst), score=scores[worst]
    )
    missing = [d for d in QUALITY_DIMENSIONS if d not in scores]
    if missing:
        detail += _("; not measured: {dimensions}").format(dimensions=", ".join(map(_, missing)))
    if scores[worst] < QUALITY_WARN:
        return Check("quality", "fail", detail)
    if scores[worst] < QUALITY_PASS or missing:
        return Check("quality", "warn", detail)
    return Check("quality", "pass", detail)


def _check_privacy(run: dict) -> Check:
    gate = run.get("privacy_gate")
    if not isinstance(gate, dict) or not isinstance(gate.get("passed"), bool):
        return Check("privacy_gate", "missing", _("the run record has no privacy gate result"))
    if gate["passed"]:
        return Check("privacy_gate", "pass", _("the privacy gate passed"))
    reasons = [str(r) for r in gate.get("reasons") or []]
    return Check(
        "privacy_gate",
        "fail",
        _("the privacy gate failed") + (f": {'; '.join(reasons)}" if reasons else ""),
    )


def _check_metadata(run: dict) -> Check:
    share = _number(run.get("metadata_complete"))
    if share is None:
        return Check("metadata_complete", "missing", _("the run record has no metadata score"))
    detail = _("{share:.0%} of the metadata profile's fields are filled in").format(share=share)
    if share >= METADATA_PASS:
        return Check("metadata_complete", "pass", detail)
    return Check("metadata_complete", "warn" if share >= METADATA_WARN else "fail", detail)


def _check_freshness(run: dict) -> Check:
    days = _number(run.get("freshness_days"))
    if days is None:
        return Check("freshness", "missing", _("the run record does not say how old the data is"))
    detail = _("the newest data is {days:g} days old").format(days=days)
    if days <= FRESH_PASS_DAYS:
        return Check("freshness", "pass", detail)
    return Check("freshness", "warn" if days <= FRESH_WARN_DAYS else "fail", detail)


def _check_published(run: dict) -> Check:
    status = run.get("status")
    if status == "published":
        return Check(
            "published",
            "pass",
            _("the last run published (finished {finished})").format(finished=run.get("finished")),
        )
    if status == "failed":
        return Check("published", "fail", _("the last Beacon run failed and published nothing"))
    return Check("published", "missing", _("the run record has no status"))


def _pages(run: dict) -> dict:
    pages = run.get("pages")
    return pages if isinstance(pages, dict) else {}


def _check_performance_page(run: dict) -> Check:
    if _pages(run).get("performance") is True:
        return Check("performance_page", "pass", _("the performance page is published"))
    return Check("performance_page", "fail", _("the performance page is not published"))


def _check_service_pages(run: dict) -> Check:
    pages = _pages(run)
    missing = [p for p in ("resident", "staff") if pages.get(p) is not True]
    if not missing:
        return Check("service_pages", "pass", _("the resident and staff pages are published"))
    if len(missing) == 2:
        return Check("service_pages", "fail", _("not published: the resident and staff page"))
    page = _("resident") if missing == ["resident"] else _("staff")
    return Check("service_pages", "fail", _("not published: the {page} page").format(page=page))


_CHECKS = {
    "package_valid": _check_package,
    "quality": _check_quality,
    "privacy_gate": _check_privacy,
    "metadata_complete": _check_metadata,
    "freshness": _check_freshness,
    "published": _check_published,
    "performance_page": _check_performance_page,
    "service_pages": _check_service_pages,
}


# --- rating ------------------------------------------------------------------------------------


def worst(ratings: list[str]) -> str:
    return max(ratings, key=RATINGS.index) if ratings else "green"


def _actions(rating: str, own: list[str], checks: list[Check], title: str) -> list[str]:
    out = list(own)
    for c in checks:
        if c.status == "fail":
            out.append(_("Fix the Beacon check '{check}': {detail}.").format(**_named(c)))
        elif c.status == "missing" and c.detail == _(NO_RUN):
            out.append(
                _("Run the Beacon so '{check}' can be checked automatically.").format(**_named(c))
            )
        elif c.status in {"warn", "missing"}:
            out.append(_("Improve '{check}': {detail}.").format(**_named(c)))
    if rating == "amber" and not out:
        agree = _("Agree with the panel what would make '{title}' fully met.")
        out.append(agree.format(title=title))
    if rating == "red" and not out:
        out.append(
            _("Plan the work that would meet '{title}', then ask for re-assessment.").format(
                title=title
            )
        )
    return out


def _named(check: Check) -> dict[str, str]:
    return {"check": check.name, "detail": check.detail}


def assess(
    city: City, evidence_file: Path | None = None, allow_missing: bool = False
) -> Assessment:
    """Assess the city's service. `allow_missing` rates every point red when there is no evidence
    file (used by the book, so a new city's edition still builds); the CLI is strict."""
    points = city_points(city)
    path = evidence_file or evidence_path(city.slug)
    data: dict
    if allow_missing and not path.exists():
        data = {
            "stage": "discovery",
            "points": {
                p.id: {"status": "not-met", "evidence": _("No evidence file yet."), "actions": []}
                for p in points
            },
        }
    else:
        data = read_evidence(city, points, path)
    run = read_run(city.slug)
    if run is not None:  # which pages are published is read from the site, not the run
        from daas.beacon.pages import published_pages

        run = {**run, "pages": published_pages(city)}
    checks = automatic_checks(run)
    results = []
    for p in points:
        entry = data["points"][p.id]
        auto = [checks[name] for name in p.automatic]
        rating = worst([STATUS_RATING[entry["status"]], *(CHECK_RATING[c.status] for c in auto)])
        results.append(
            PointResult(
                id=p.id,
                title=p.title,
                self_status=entry["status"],
                evidence=" ".join(entry["evidence"].split()),
                rating=rating,
                automatic=auto,
                actions=_actions(rating, entry.get("actions") or [], auto, _(p.title))
                if rating != "green"
                else list(entry.get("actions") or []),
                toolkit=list(p.toolkit),
                page=p.page,
            )
        )
    counts = {r: sum(1 for x in results if x.rating == r) for r in RATINGS}
    return Assessment(
        city=city.slug,
        city_name=city.name,
        stage=data.get("stage", "beta"),
        evidence_file=_shown(path),
        beacon_run={
            "found": run is not None,
            "path": _shown(run_record_path(city.slug)),
            "status": (run or {}).get("status"),
            "finished": (run or {}).get("finished"),
        },
        points=results,
        overall=worst([r.rating for r in results]),
        counts=counts,
    )


# --- outputs -----------------------------------------------------------------------------------


def table(report: Assessment):
    """One row per point: the team's view, the automatic evidence and the rating."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                _("point"): f"{i}. {_(r.title)}",
                _("team says"): _(STATUS_NAMES[r.self_status]),
                _("automatic evidence"): _auto_summary(r.automatic),
                _("rating"): _(r.rating),
            }
            for i, r in enumerate(report.points, 1)
        ]
    )


def _auto_summary(checks: list[Check]) -> str:
    if not checks:
        return _("no automatic check")
    details = dict.fromkeys(c.detail for c in checks if c.status != "pass")
    rating = worst([CHECK_RATING[c.status] for c in checks])
    return _(rating) + "".join(f" ({d})" for d in details)


def chart(report: Assessment):
    """A grid: one row per point, columns for the team's view, the automatic evidence and the
    rating; each cell is coloured and labelled red, amber or green."""
    import altair as alt
    import pandas as pd

    from daas.core.charts import describe, use_theme

    use_theme()
    rows = []
    columns = [_("Team says"), _("Automatic"), _("Rating")]
    order = [f"{i}. {_(r.title)}" for i, r in enumerate(report.points, 1)]
    for point, r in zip(order, report.points, strict=True):
        auto = worst([CHECK_RATING[c.status] for c in r.automatic]) if r.automatic else "none"
        for col, value in zip(columns, (STATUS_RATING[r.self_status], auto, r.rating), strict=True):
            rows.append({"point": point, "column": col, "rating": value, "label": _(value)})
    df = pd.DataFrame(rows)
    scale = alt.Scale(domain=list(RATING_COLOURS), range=list(RATING_COLOURS.values()))
    base = alt.Chart(df).encode(
        x=alt.X(
            "column:N",
            sort=columns,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y("point:N", sort=order, title=None, axis=alt.Axis(labelLimit=420)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("rating:N", scale=scale, legend=None),
        tooltip=[
            alt.Tooltip("point:N", title=_("point")),
            alt.Tooltip("column:N", title=_("column")),
            alt.Tooltip("label:N", title=_("rating")),
        ],
    )
    labels = base.mark_text(color="white", fontWeight="bold").encode(text="label:N")
    c = (cells + labels).properties(width=330, height=alt.Step(26))
    n = report.counts
    return describe(
        c,
        _("Assessment against the Data Service Standard: overall {rating}").format(
            rating=_(report.overall)
        ),
        _(
            "{n} points for {city}: {green} green, {amber} amber, {red} red. Each row is a "
            "point; columns show the team's own view, the automatic evidence from the Beacon and "
            "the resulting rating."
        ).format(n=len(report.points), city=report.city_name, **n),
    )


def summary_markdown(report: Assessment) -> str:
    """One paragraph for the city's assessment page: stage, overall rating, counts, Beacon run."""
    run = report.beacon_run
    ran = (
        _("{status}, finished {finished}").format(
            status=_(str(run["status"])), finished=run["finished"]
        )
        if run["found"]
        else _(NO_RUN)
    )
    return _(
        "**{city}**, stage assessed: **{stage}**. Overall rating: **{rating}** ({green} green, "
        "{amber} amber, {red} red). Beacon run: {run}."
    ).format(
        city=escape_markdown(report.city_name),
        stage=_(report.stage),
        rating=_(report.overall),
        run=ran,
        **report.counts,
    )


def to_markdown(report: Assessment) -> str:
    """The assessment report as a Markdown page for the city's edition."""
    n = report.counts
    run = report.beacon_run
    ran = _("{status}, finished {finished}").format(
        status=_(str(run["status"])), finished=run["finished"]
    )
    head = (_("Point"), _("Team says"), _("Automatic evidence"), _("Rating"))
    lines = [
        _("# {city}: assessment against the Data Service Standard").format(
            city=escape_markdown(report.city_name)
        ),
        "",
        _("- Stage assessed: **{stage}**").format(stage=_(report.stage)),
        _("- Overall rating: **{rating}** ({green} green, {amber} amber, {red} red)").format(
            rating=_(report.overall), **n
        ),
        _("- Team's evidence: `{file}`").format(file=report.evidence_file),
        _("- Beacon run: {run}").format(run=ran if run["found"] else _(NO_RUN)),
        "",
        "| # | " + " | ".join(head) + " |",
        "|---|---|---|---|---|",
    ]
    for i, r in enumerate(report.points, 1):
        lines.append(
            f"| {i} | {_cell(_(r.title))} | {_(STATUS_NAMES[r.self_status])} "
            f"| {_cell(_auto_summary(r.automatic))} | **{_(r.rating)}** |"
        )
    lines += ["", _("## Actions"), "", actions_markdown(report), ""]
    lines += [_("## Evidence by point"), ""]
    for i, r in enumerate(report.points, 1):
        lines += [f"**{i}. {_cell(_(r.title))}** ({_(r.rating)}). {_cell(r.evidence)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def actions_markdown(report: Assessment) -> str:
    """The actions for every point that is not green, as Markdown without headings."""
    acted = [r for r in report.points if r.actions and r.rating != "green"]
    if not acted:
        return _("No actions: every point is green.")
    lines = []
    for r in acted:
        when = (
            _("fix within three months and before the next assessment")
            if r.rating == "amber"
            else _("pause, fix, then ask for re-assessment")
        )
        lines.append(f"**{escape_markdown(_(r.title))}** ({_(r.rating)}: {when})")
        lines += ["", *(f"- {_cell(a)}" for a in r.actions), ""]
    return "\n".join(lines).rstrip()


def _cell(text: str) -> str:
    """City or team text (a renamed point, the evidence, an action) shown literally: escaped,
    on one line, so it cannot add markup, a script or a table column."""
    return escape_markdown(" ".join(str(text).split()))


def write(report: Assessment) -> Path:
    """Write the JSON, the Markdown page and the chart together; nothing is half-written."""
    from daas.core.io import atomic_dir

    target = output_dir(report.city)
    spec = chart(report).to_dict()
    with atomic_dir(target) as stage:
        (stage / "assessment.json").write_text(
            json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (stage / "assessment.md").write_text(to_markdown(report), encoding="utf-8")
        (stage / "assessment-chart.vl.json").write_text(
            json.dumps(spec, indent=2) + "\n", encoding="utf-8"
        )
        for f in stage.iterdir():
            f.chmod(0o644)
        stage.chmod(0o755)
    return target


def _shown(path: Path) -> str:
    from daas.core.paths import repo_root

    try:
        return str(path.resolve().relative_to(repo_root()))
    except ValueError:
        return str(path)
