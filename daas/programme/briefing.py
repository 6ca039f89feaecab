"""The leadership briefing: one printable A4 page for the chief data officer and executives.

It says where the track stands, the city's capability profile, the Beacon's status and figures,
the Standard rating, the ethics review, the risks and the next three decisions, in the city's
language and for a reader who is not technical. The page is one self-contained HTML file (inline
styles, no scripts, nothing fetched); every value from the city or its records is escaped.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from html import escape

from daas.core.city import DEFAULT_RECIPE, City
from daas.core.formats import date as long_date
from daas.core.formats import number, percent
from daas.core.i18n import N_, _, use_language
from daas.programme import milestones, readiness, state
from daas.programme.team import ROLES, unfilled_roles
from daas.standard.assess import FRESH_WARN_DAYS, QUALITY_WARN

MAX_RISKS = 6


def _day(day: date | str | None) -> str:
    """A date written out in the reader's language (`30 June 2025`); text that is not a date as
    it is."""
    if isinstance(day, date):
        return long_date(day)
    try:
        return long_date(day) if day else ""
    except ValueError:
        return day or ""


# the fairness check's risk in the words of the Beacon's recipe (run.json names it); others
# say it of areas and residents
UNDER_SERVED = {
    "housing": N_(
        "Neighbourhoods with a smaller share of the affordable homes than of the renting "
        "households: {n}."
    ),
}
UNDER_SERVED_AREAS = N_("Areas with a smaller share of the service than of the residents: {n}.")
STAGE_NAMES = {
    "discovery": N_("discovery"),
    "alpha": N_("alpha"),
    "beta": N_("beta"),
    "live": N_("live"),
}


@dataclass(frozen=True)
class Risk:
    level: str  # high or medium
    text: str


@dataclass
class Briefing:
    """Everything the briefing shows, gathered once."""

    city: City
    today: date
    month: int | None
    fit: readiness.Result
    rows: list[milestones.MilestoneStatus]
    beacon: state.Beacon
    standard: state.Standard | None
    ethics: state.Ethics
    capability: state.Capability | None
    unfilled: list[str]
    risks: list[Risk]
    decisions: list[str]
    lang: str = "en"  # the language it is written in


def gather(city: City, today: date | None = None, lang: str | None = None) -> Briefing:
    """Read the city's records (nothing is built here: see `state.ensure_beacon`). Written in
    `lang`: the city's language by default (the printable file); a site page passes its own."""
    today = today or city.today()
    lang = lang or city.language
    with use_language(lang):
        b = Briefing(
            lang=lang,
            city=city,
            today=today,
            month=milestones.month_of_track(city, today),
            fit=readiness.check(city),
            rows=milestones.progress(city, today),
            beacon=state.beacon(city),
            standard=state.standard(city),
            ethics=state.ethics(city, today),
            capability=state.capability(city),
            unfilled=unfilled_roles(city),
            risks=[],
            decisions=[],
        )
        b.risks = risks(b)
        b.decisions = decisions(b)
    return b


# --- risks and decisions -----------------------------------------------------------------------


def _risk(level: str, text: str, **values: object) -> Risk:
    return Risk(level, text.format(**values))


def _beacon_risks(b: Briefing) -> list[Risk]:
    bc, out = b.beacon, []
    if bc.gate_failed:
        text = _(
            "The privacy gate stopped the last Beacon run ({day}): the data would have exposed "
            "personal information, so nothing new was published."
        )
        out.append(_risk("high", text, day=_day(bc.last_day)))
    elif bc.last_failed:
        text = _("The last Beacon run ({day}) failed, so the published data was not updated.")
        out.append(_risk("high", text, day=_day(bc.last_day)))
    if not bc.built:
        return [*out, Risk("medium", _("The Beacon has not published any data yet."))]
    age = bc.data_age(b.today)
    if age is not None and age > FRESH_WARN_DAYS:
        text = _(
            "The published data is {days} days old; users need data less than {limit} days old."
        )
        out.append(_risk("high", text, days=age, limit=FRESH_WARN_DAYS))
    low = bc.lowest_quality()
    if low and low[1] < QUALITY_WARN:
        text = _("Data quality is low for {dimension}: {share}.")
        out.append(_risk("medium", text, dimension=_quality_name(low[0]), share=percent(low[1])))
    if n := bc.under_served():
        recipe = (bc.published or {}).get("recipe") or DEFAULT_RECIPE
        out.append(_risk("medium", _(UNDER_SERVED.get(recipe, UNDER_SERVED_AREAS)), n=n))
    return out


def _quality_name(key: str) -> str:
    return _(state.QUALITY_NAMES.get(key, key))


def _ethics_risk(e: state.Ethics) -> Risk | None:
    if e.status == "none":
        return Risk("medium", _("No data ethics review has been recorded yet."))
    if e.status == "invalid":
        return Risk("medium", _("The data ethics review's answers cannot be read."))
    if e.status == "overdue":
        text = _("The data ethics review is overdue (it was due by {day}).")
        return _risk("high", text, day=_day(e.review_date))
    if e.status == "needs-work":
        text = _("The ethics review found work to do on {principles}.")
        return _risk("medium", text, principles=_principles(e.flagged))
    return None


def _principles(keys: list[str]) -> str:
    return ", ".join(_(state.PRINCIPLE_NAMES.get(k, k)) for k in keys)


def risks(b: Briefing) -> list[Risk]:
    """What could stop the track or harm residents, the most serious first."""
    out = _beacon_risks(b)
    for r in milestones.late(b.rows)[:2]:
        text = _("{milestone} is {days} days late (planned for {day}).")
        level = "high" if r.days_late > 60 else "medium"
        out.append(_risk(level, text, milestone=r.label, days=r.days_late, day=_day(r.planned)))
    for role in b.unfilled:
        level = "high" if role in {"programme-lead", "beacon-lead"} else "medium"
        out.append(_risk(level, _("No one is named as {role}."), role=_(ROLES[role].label)))
    if b.standard and b.standard.counts.get("red"):
        text = _("Points of the Data Service Standard rated red: {red} of {total}.")
        out.append(_risk("medium", text, red=b.standard.counts["red"], total=b.standard.points))
    if (risk := _ethics_risk(b.ethics)) is not None:
        out.append(risk)
    if b.fit.verdict == "not-yet":
        out.append(Risk("high", _("The readiness self-check says the city is not ready yet.")))
    out.sort(key=lambda r: r.level != "high")  # stable: high first, each in its own order
    return out


def decisions(b: Briefing) -> list[str]:
    """The next three decisions for leaders, derived from the state (most urgent first)."""
    out = []
    if b.beacon.gate_failed:
        out.append(
            _(
                "Agree who removes the personal data that stopped the privacy gate, and keep "
                "publication on hold until the Beacon passes it."
            )
        )
    elif b.beacon.last_failed:
        out.append(_("Ask the Beacon lead when the failed run will be fixed and the data updated."))
    for role in b.unfilled:
        text = _("Name a {role} ({hours} hours a week).")
        out.append(text.format(role=_(ROLES[role].label), hours=ROLES[role].hours_text))
    if b.ethics.status in {"none", "invalid", "overdue"}:
        out.append(_("Set a date for the data ethics review and name who leads it."))
    elif b.ethics.status == "needs-work":
        text = _("Agree the changes the ethics review asks for on {principles}, and who owns them.")
        out.append(text.format(principles=_principles(b.ethics.flagged)))
    if late := milestones.late(b.rows):
        text = _("Agree a new date, or more help, for “{milestone}”.")
        out.append(text.format(milestone=late[0].label))
    age = b.beacon.data_age(b.today)
    if age is not None and age > FRESH_WARN_DAYS:
        out.append(_("Agree with the data owners how often their exports are refreshed."))
    if b.standard and b.standard.counts.get("red"):
        out.append(_("Choose which red points of the Standard the team fixes first."))
    if b.fit.verdict != "good-fit" and b.fit.first:
        out.append(b.fit.first[0])
    if any(r.id == "beacon-live" and r.done for r in b.rows):
        out.append(_("Approve the case study for publication to peer cities."))
    for r in (r for r in b.rows if r.status in {"due", "upcoming"}):  # then what comes next
        text = _("Confirm the team is on course for “{milestone}” by {day}.")
        out.append(text.format(milestone=r.label, day=_day(r.planned)))
    return list(dict.fromkeys(out))[:3]


# --- HTML --------------------------------------------------------------------------------------

STYLE = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1a1a1a; background: #fff; max-width: 186mm; margin: 0 auto; padding: 8mm 0;
  font-size: 10.5pt; line-height: 1.35; }
header { border-bottom: 3px solid #0072B2; margin-bottom: 6pt; }
h1 { font-size: 17pt; margin: 0; }
.meta { color: #444; margin: 2pt 0 6pt; }
h2 { font-size: 11.5pt; margin: 9pt 0 3pt; color: #0b4f80; }
p, ul, ol { margin: 0 0 4pt; }
ul, ol { padding-left: 16pt; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 1.5pt 4pt 1.5pt 0; border-bottom: 1px solid #e3e3e3;
  vertical-align: top; }
th { font-weight: normal; color: #444; width: 60%; }
.high { color: #a33b00; font-weight: 600; }
.decisions li { font-weight: 600; }
footer { margin-top: 8pt; color: #555; font-size: 8.5pt; }
@media print {
  body { font-size: 9.5pt; padding: 0; max-width: none; }
  section { break-inside: avoid; }
}
"""


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _progress_html(b: Briefing) -> str:
    rows = b.rows
    start = b.city.programme.start if b.city.programme else None
    if b.month is None or start is None:
        where = _("The track has no start date yet.")
    elif b.month < 1:
        where = _("The track starts on {day}.").format(day=start)
    elif b.month > 12:
        where = _("The twelve-month track has ended.")
    else:
        where = _("Month {month} of 12.").format(month=b.month)
    late = milestones.counts(rows)["late"]
    parts = [
        where,
        _("{done} of {total} milestones done, {late} late.").format(
            done=milestones.done_count(rows), total=len(rows), late=late
        ),
    ]
    nxt = milestones.next_milestone(rows)
    if nxt is not None and nxt.planned is not None:  # an open milestone not late has a date
        parts.append(
            _("Next: {milestone} by {day}.").format(milestone=nxt.label, day=_day(nxt.planned))
        )
    fit = _("Readiness self-check: {verdict}.").format(verdict=b.fit.verdict_label)
    return _p(" ".join(parts)) + _p(fit)


def _capability_html(c: state.Capability | None) -> str:
    if c is None:
        return _p(_("No staff survey yet: the capability profile comes from the discovery survey."))
    names = [_(a) for a in c.strengths], [_(a) for a in c.priorities]
    return (
        _p(
            _(
                "{n} staff rated the city's data capability: on average {average} out of 5 "
                "({level})."
            ).format(n=c.respondents, level=_(c.level), average=number(c.average))
        )
        + _p(_("Strengths to build on: {areas}.").format(areas=", ".join(names[0])))
        + _p(_("Areas to invest in: {areas}.").format(areas=", ".join(names[1])))
    )


def _figures(b: Briefing) -> list[tuple[str, str]]:
    from daas.beacon.pages import published_pages

    run = b.beacon.published or {}
    low = b.beacon.lowest_quality()
    pages = [k for k, v in published_pages(b.city).items() if v] if b.beacon.published else []
    gate = (run.get("privacy_gate") or {}).get("passed")
    return [
        (_("Rows of data published"), number(int(run.get("rows_published", 0)))),
        (_("Age of the data"), _("{days} days").format(days=b.beacon.data_age(b.today))),
        (
            _("Lowest quality score"),
            f"{percent(low[1])} ({_quality_name(low[0])})" if low else "-",
        ),
        (_("Metadata complete"), percent(float(run.get("metadata_complete", 0)))),
        (_("Privacy gate on the published data"), _("Passed") if gate else _("Not passed")),
        (_("Small counts hidden to protect people"), number(int(run.get("rows_suppressed", 0)))),
        (_("Service pages online"), _("{n} of 3").format(n=len(pages))),
    ]


def _beacon_html(b: Briefing) -> str:
    from daas.beacon.recipes import title as service_title

    bc = b.beacon
    title = service_title(b.city) if b.city.beacon else _("Affordable homes")
    if bc.gate_failed:
        status = _(
            "The last run ({day}) was stopped by the privacy gate; the data published "
            "before it stays online."
        ).format(day=_day(bc.last_day))
    elif bc.last_failed:
        status = _(
            "The last run ({day}) failed; the data published before it stays online."
        ).format(day=_day(bc.last_day))
    elif bc.published is not None:  # built
        status = _("Published on {day}.").format(
            day=_day(str(bc.published.get("finished", ""))[:10])
        )
    else:
        status = _("Not published yet.")
    out = f"<p><strong>{escape(title)}</strong>. {escape(status)}</p>"
    if bc.built:
        rows = "".join(
            f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in _figures(b)
        )
        out += f"<table>{rows}</table>"
    return out


def _standard_html(s: state.Standard | None) -> str:
    if s is None:
        return _p(_("Not assessed yet: the team has no evidence file."))
    n = s.counts
    return _p(
        _(
            "Stage assessed: {stage}. Overall rating: {rating} ({green} green, {amber} amber, "
            "{red} red, out of {total} points)."
        ).format(
            stage=_(STAGE_NAMES.get(s.stage, s.stage)),
            rating=_(state.RATING_NAMES[s.overall]),
            green=n.get("green", 0),
            amber=n.get("amber", 0),
            red=n.get("red", 0),
            total=s.points,
        )
    )


def _ethics_html(e: state.Ethics) -> str:
    text = {
        "none": N_("No review recorded yet."),
        "invalid": N_("The review's answers file cannot be read; ask the team to check it."),
        "passed": N_(
            "Reviewed on {day}; every principle scored 3 or more. Next review by {review}."
        ),
        "needs-work": N_(
            "Reviewed on {day}. Scored under 3, so needing work: {principles}. Next review by "
            "{review}."
        ),
        "overdue": N_("Reviewed on {day}; the next review was due by {review} and is overdue."),
    }[e.status]
    return _p(
        _(text).format(
            day=_day(e.assessed_on), review=_day(e.review_date), principles=_principles(e.flagged)
        )
    )


def _list(items: list[str], tag: str, cls: str = "") -> str:
    inner = "".join(f"<li>{escape(i)}</li>" for i in items)
    return f"<{tag}{f' class={cls!r}' if cls else ''}>{inner}</{tag}>"


def _risks_html(risks_: list[Risk]) -> str:
    if not risks_:
        return _p(_("No risks found in the records."))
    shown, more = risks_[:MAX_RISKS], len(risks_) - MAX_RISKS
    label = {"high": _("High"), "medium": _("Medium")}
    items = "".join(
        f'<li class="{r.level}">{escape(label[r.level])}: {escape(r.text)}</li>' for r in shown
    )
    extra = _p(_("And {n} more.").format(n=more)) if more > 0 else ""
    return f"<ul>{items}</ul>{extra}"


def body_html(b: Briefing) -> str:
    """The briefing's sections (no page header), for the book page and the printable file."""
    with use_language(b.lang):
        sections = [
            (_("Where the track stands"), _progress_html(b)),
            (_("Capability profile"), _capability_html(b.capability)),
            (_("The Beacon Data Service"), _beacon_html(b)),
            (_("Data Service Standard"), _standard_html(b.standard)),
            (_("Data ethics review"), _ethics_html(b.ethics)),
            (_("Risks"), _risks_html(b.risks)),
        ]
        html = "".join(f"<section><h2>{escape(t)}</h2>{body}</section>" for t, body in sections)
        decide = _("Next three decisions") if len(b.decisions) == 3 else _("Next decisions")
        html += (
            f"<section><h2>{escape(decide)}</h2>{_list(b.decisions, 'ol', 'decisions')}</section>"
        )
    return html


def to_html(b: Briefing) -> str:
    """The whole printable page: one A4 sheet, nothing loaded from anywhere."""
    with use_language(b.lang):
        name = escape(b.city.name)
        title = escape(_("Leadership briefing"))
        meta = escape(
            _("Data as a Service track. Prepared on {day} from the kit's records.").format(
                day=_day(b.today)
            )
        )
        footer = escape(
            _(
                "Sources: the Beacon's run history, the Standard assessment, the data "
                "ethics review, the staff survey and the city file."
            )
        )
        body = body_html(b)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(b.lang)}">\n<head>\n'
        f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width">\n'
        f"<title>{name}: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<header><h1>{name}: {title}</h1><p class="meta">{meta}</p></header>\n'
        f"<main>{body}</main>\n<footer>{footer}</footer>\n</body>\n</html>\n"
    )


def render(city: City, today: date | None = None, lang: str | None = None) -> str:
    return to_html(gather(city, today, lang))


def download_link(b: Briefing) -> str:
    """A link that saves the printable page from the book page itself (a data: URL, so it
    works offline and needs no file beside the page)."""
    data = base64.b64encode(to_html(b).encode("utf-8")).decode("ascii")
    with use_language(b.lang):
        text = escape(_("Download the printable briefing (one A4 page)"))
    name = f"briefing-{b.city.slug}.html"
    return (
        f'<p><a download="{name}" href="data:text/html;charset=utf-8;base64,{data}">{text}</a></p>'
    )
