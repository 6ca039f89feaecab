"""The case study a city publishes for peer cities: the problem, the users, what was built, the
results with figures, the lessons and what others can reuse.

The team writes its own words in the city file (`showcase:`); figures and facts come from the
city's records. A section with neither is left out, and the missing team text is a warning: no
placeholder text is ever published. Every value from the city is escaped for Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from daas.beacon.recipes import title as service_title
from daas.core.city import City
from daas.core.city_programme import SHOWCASE_IDS
from daas.core.errors import DaasError, Problem
from daas.core.formats import number, percent
from daas.core.i18n import N_, _, use_language
from daas.core.markdown import escape_markdown as esc
from daas.programme import milestones, state

HEADINGS = {
    "problem": N_("The problem"),
    "users": N_("The users"),
    "built": N_("What was built"),
    "results": N_("Results"),
    "lessons": N_("Lessons"),
    "reuse": N_("What other cities can reuse"),
}
FREQUENCIES = {
    "daily": N_("every day"),
    "weekly": N_("every week"),
    "monthly": N_("every month"),
    "quarterly": N_("every quarter"),
    "annually": N_("every year"),
}


@dataclass
class Section:
    id: str
    heading: str
    text: str | None  # the team's own words (raw)
    facts: list[str] = field(default_factory=list)  # Markdown, values already escaped


@dataclass
class CaseStudy:
    city: City
    sections: list[Section]
    missing: list[str]  # section ids without the team's text
    beacon_built: bool
    lang: str = "en"  # the language of the kit's text (the team's text is as they wrote it)

    @property
    def ready(self) -> bool:
        """Every section has the team's words and the figures exist: ready to publish."""
        return not self.missing and self.beacon_built


def status_note(cs: CaseStudy) -> str:
    """Whether the case study is ready to publish, and if not, why (Markdown, kit text only)."""
    with use_language(cs.lang):
        if cs.ready:
            return "**" + _("Ready to publish.") + "**"
        notes = []
        if cs.missing:
            names = ", ".join(_(HEADINGS[k]) for k in cs.missing)
            text = _("Not ready to publish: the team has not written {sections} yet.")
            notes.append(text.format(sections=names))
        if not cs.beacon_built:
            notes.append(
                _("The Beacon has not published data yet, so there are no results to show.")
            )
    return "\n\n".join(f"**{n}**" for n in notes)


def team_text(city: City) -> dict[str, str | None]:
    """The team's words per section; the problem falls back on the city's priority problem."""
    sc = city.showcase
    out = {k: getattr(sc, k) if sc else None for k in SHOWCASE_IDS}
    out["problem"] = out["problem"] or city.priority_problem
    return out


def _built_facts(city: City, run: dict | None) -> list[str]:
    from daas.beacon.pages import published_pages

    b = city.beacon
    out = []
    if b is not None:
        text = _(
            "{title}, published by {publisher} under the {licence} licence and updated {when}."
        )
        out.append(
            text.format(
                title=esc(service_title(city)),
                publisher=esc(b.publisher),
                licence=b.licence,
                when=_(FREQUENCIES[b.update_frequency]),
            )
        )
    if run and all(published_pages(city).values()):
        out.append(
            _("Pages for residents and for staff, and a public page on how the service performs.")
        )
    if run:
        out.append(_("An open data package with its schemas, and a database anyone can query."))
    return out


def _result_facts(city: City, bc: state.Beacon, today: date) -> list[str]:
    out = []
    run = bc.published
    if run:
        text = _("{rows} rows of open data published; the lowest quality score is {quality}.")
        low = bc.lowest_quality()
        out.append(
            text.format(
                rows=number(run.get("rows_published", 0)), quality=percent(low[1]) if low else "-"
            )
        )
        gate = (run.get("privacy_gate") or {}).get("passed")
        if gate:
            text = _(
                "The published data passed the privacy gate; {n} small counts were hidden to "
                "protect people."
            )
            out.append(text.format(n=number(run.get("rows_suppressed", 0))))
        out.append(
            _("Metadata {share} complete.").format(
                share=percent(float(run.get("metadata_complete", 0)))
            )
        )
    std = state.standard(city)
    if std is not None:
        text = _(
            "Assessed against the city's Data Service Standard: {green} of {total} points green."
        )
        out.append(text.format(green=std.counts.get("green", 0), total=std.points))
    rows = milestones.progress(city, today)
    done = milestones.done_count(rows)
    if done:
        text = _("{done} of {total} milestones of the twelve-month track reached.")
        out.append(text.format(done=done, total=len(rows)))
    if (cop := state.community(city)) is not None:
        text = _("{sessions} data community sessions, attended by {people} staff.")
        out.append(text.format(sessions=cop[0], people=cop[1]))
    return out


def _reuse_facts(city: City) -> list[str]:
    from daas.standard.points import city_points

    out = []
    if city.beacon is not None:
        out.append(
            _(
                "The Beacon's column mapping, in the city file: a city with similar exports "
                "can start from it."
            )
        )
    try:
        points = city_points(city)
    except DaasError:
        return out
    added = sum(1 for p in points if p.added_by_city)
    text = _(
        "The city's version of the Data Service Standard: {n} points, {added} of them "
        "added by the city."
    )
    out.append(text.format(n=len(points), added=added))
    if city.ethics_answers:
        out.append(_("The data ethics review, as a worked example."))
    return out


def gather(city: City, today: date | None = None, lang: str | None = None) -> CaseStudy:
    """The case study: the team's text plus figures from the records, the kit's words in `lang`
    (the city's language by default; a site page passes its own)."""
    today = today or city.today()
    lang = lang or city.language
    with use_language(lang):
        bc = state.beacon(city)
        words = team_text(city)
        research = state.research(city)
        users = _("Research with {people} people in {groups} user groups.")
        facts = {
            "users": [users.format(people=research[0], groups=research[1])] if research else [],
            "built": _built_facts(city, bc.published),
            "results": _result_facts(city, bc, today),
            "reuse": _reuse_facts(city),
        }
        sections = [Section(k, _(HEADINGS[k]), words[k], facts.get(k, [])) for k in SHOWCASE_IDS]
    missing = [k for k in SHOWCASE_IDS if not words[k]]
    return CaseStudy(city, sections, missing, bc.built, lang)


def to_markdown(cs: CaseStudy, headings: bool = True) -> str:
    """The case study as Markdown; `headings=False` uses bold titles instead (for a page that
    already has its own headings)."""
    city = cs.city
    with use_language(cs.lang):
        title = esc(city.name) + (f": {esc(service_title(city))}" if city.beacon else "")
        subtitle = "*" + _("A case study from the Data as a Service track") + "*"
        lines = [f"# {title}" if headings else f"**{title}**", "", subtitle]
        for s in cs.sections:
            if not s.text and not s.facts:
                continue
            lines += ["", f"## {s.heading}" if headings else f"**{s.heading}**", ""]
            lines += [p for para in _paragraphs(s.text or "") for p in (para, "")]
            lines += [f"- {f}" for f in s.facts]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def _paragraphs(text: str) -> list[str]:
    """The team's text as escaped paragraphs (a blank line separates them in the city file)."""
    return [" ".join(esc(p).split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def render(city: City, today: date | None = None) -> str:
    return to_markdown(gather(city, today))


def showcase_warnings(city: City) -> list[Problem]:
    """Sections of the case study with no text from the team."""
    missing = [k for k, v in team_text(city).items() if not v]
    if not missing:
        return []
    names = ", ".join(_(HEADINGS[k]) for k in missing)
    return [
        Problem(
            f"cities/{city.slug}.yml",
            "showcase",
            _("the case study has no text from the team for: {sections}").format(sections=names),
            _("add {keys} under `showcase:`, a few sentences each in the team's own words").format(
                keys=", ".join(f"`{k}`" for k in missing)
            ),
        )
    ]
