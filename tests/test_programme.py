"""The programme companion: readiness verdicts, milestones and warnings, the leadership briefing
(a failed privacy gate is a risk; nothing external; values escaped), the case study and the
coaches' overview over every city file."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from daas.cli import main
from daas.core.city import City, TeamMember, load_city, parse_city
from daas.core.city_programme import MILESTONE_IDS, Programme, Readiness, Showcase
from daas.core.errors import DaasError
from daas.core.formats import date as long_date
from daas.core.i18n import _
from daas.core.paths import city_build_dir, repo_root
from daas.programme import briefing, milestones, overview, readiness, showcase
from daas.programme.checks import warnings
from daas.programme.outputs import output_dir, write_all

EXAMPLES = ["port-mallory", "villa-ondina", "vale-do-sereno"]
TODAY = date(2025, 7, 14)  # the example cities' reference_date
HOSTILE = "Town \"Q\" </script><script>alert('pwned')</script> & <b>bold</b>"
ALL_YES = dict.fromkeys(
    [
        "ambition",
        "chief_data_officer",
        "data_team",
        "specialists",
        "open_data_record",
        "data_sources",
    ],
    "yes",
)


def _city(slug: str = "port-mallory", **update) -> City:
    return load_city(slug).model_copy(update=update)


def _fit(**answers) -> readiness.Result:
    portal = answers.pop("portal_only", False)
    return readiness.check(_city(readiness=Readiness(**{**ALL_YES, **answers}, portal_only=portal)))


def _write_city(root: Path, slug: str, data: dict) -> None:
    (root / "cities" / f"{slug}.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def _city_data(root: Path, slug: str = "port-mallory") -> dict:
    return yaml.safe_load((root / "cities" / f"{slug}.yml").read_text(encoding="utf-8"))


# --- readiness -----------------------------------------------------------------------------------


def test_every_quality_in_place_is_a_good_fit() -> None:
    result = _fit()
    assert result.verdict == "good-fit" and result.first == []


def test_a_partial_quality_is_a_gap_to_close_first() -> None:
    result = _fit(data_team="partly", specialists="no")
    assert result.verdict == "gaps"
    data_team = next(q for q in readiness.QUALITIES if q.id == "data_team")
    specialists = next(q for q in readiness.QUALITIES if q.id == "specialists")
    assert result.first == [data_team.first_step, specialists.first_step]


def test_specialists_are_welcome_not_required() -> None:
    result = _fit(specialists="no")
    assert result.verdict == "good-fit" and len(result.first) == 1


def test_a_missing_essential_quality_is_not_yet() -> None:
    result = _fit(chief_data_officer="no", data_team="partly")
    assert result.verdict == "not-yet"
    assert result.first[0].startswith("Name a chief data officer")


def test_a_city_that_wants_a_portal_is_told_the_track_is_not_for_it() -> None:
    result = _fit(portal_only=True)
    assert result.verdict == "not-yet"
    assert result.first[0] == readiness.PORTAL_STEP
    assert "not for setting up or fixing an open data portal" in result.first[0]


def test_unanswered_questions_are_gaps_and_warnings_never_failures() -> None:
    city = _city(readiness=Readiness(ambition="yes"))
    result = readiness.check(city)
    assert result.verdict == "gaps"
    assert any(step.startswith("Answer the question:") for step in result.first)
    fields = {p.field for p in warnings(city, TODAY)}
    assert {"readiness.data_team", "readiness.portal_only"} <= fields
    assert "readiness" in {p.field for p in warnings(_city(readiness=None), TODAY)}


def test_yaml_yes_and_no_are_answers_and_other_words_are_refused() -> None:
    data = yaml.safe_load("readiness: {ambition: yes, data_team: no, portal_only: no}")
    city = parse_city(
        {**load_city().model_dump(mode="json", exclude_none=True), **data},
        "cities/port-mallory.yml",
    )
    assert city.readiness.ambition == "yes" and city.readiness.data_team == "no"
    data["readiness"]["ambition"] = "maybe"
    with pytest.raises(DaasError) as exc:
        parse_city(
            {**load_city().model_dump(mode="json", exclude_none=True), **data},
            "cities/port-mallory.yml",
        )
    assert exc.value.problems[0].field == "readiness.ambition"


# --- milestones ----------------------------------------------------------------------------------


def test_the_milestone_ids_match_the_city_file_schema() -> None:
    assert [m.id for m in milestones.MILESTONES] == list(MILESTONE_IDS)


def test_suggested_dates_follow_the_twelve_month_plan() -> None:
    start = date(2026, 1, 5)
    by_id = milestones.BY_ID
    assert milestones.suggested_date(start, by_id["discovery-done"]) == date(2026, 4, 4)
    assert milestones.suggested_date(start, by_id["beacon-alpha"]) == date(2026, 4, 5)
    assert milestones.suggested_date(start, by_id["beacon-live"]) == date(2027, 1, 4)
    assert milestones.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_status_done_late_due_and_upcoming() -> None:
    prog = Programme.model_validate(
        {
            "start": "2026-01-05",
            "milestones": {
                "discovery-done": {"planned": "2026-04-03", "done": "2026-04-01"},
                "needs-prioritised": {"planned": "2026-04-03", "done": "2026-04-20"},
                "beacon-alpha": {"planned": "2026-06-01"},
                "beacon-beta": {"planned": "2026-07-10"},
            },
        }
    )
    rows = {r.id: r for r in milestones.progress(_city(programme=prog), date(2026, 6, 20))}
    assert rows["discovery-done"].status == "done"
    assert (rows["needs-prioritised"].status, rows["needs-prioritised"].days_late) == (
        "done-late",
        17,
    )
    assert (rows["beacon-alpha"].status, rows["beacon-alpha"].days_late) == ("late", 19)
    assert rows["beacon-beta"].status == "due"
    assert rows["beacon-live"].status == "upcoming" and rows["beacon-live"].suggested


def test_villa_ondina_is_behind_and_its_chart_says_so() -> None:
    city = load_city("villa-ondina")
    rows = milestones.progress(city, TODAY)
    late = [r.id for r in milestones.late(rows)]
    assert late == ["standard-drafted", "beacon-beta"]
    spec = milestones.timeline_chart(city, rows, TODAY).to_dict()
    assert spec["title"]["text"] and "2 late" in spec["description"]


def test_a_missing_milestone_date_is_a_warning_and_validate_exits_0(
    city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _city_data(city_tree)
    data["programme"]["milestones"]["beacon-live"] = {"done": None}
    data["programme"]["milestones"]["standard-adopted"]["done"] = "2099-01-01"
    _write_city(city_tree, "port-mallory", data)
    assert main(["city", "validate", "--city", "port-mallory"]) == 0
    out = capsys.readouterr().out
    assert "ok: cities/port-mallory.yml" in out
    assert "warning: cities/port-mallory.yml: programme.milestones.beacon-live.planned" in out
    assert "the suggested date 2025-08-22 is used" in out
    assert "programme.milestones.standard-adopted.done" in out
    row = next(
        r for r in milestones.progress(load_city("port-mallory"), TODAY) if r.id == "beacon-live"
    )
    assert row.suggested and row.planned == date(2025, 8, 22)


def test_before_the_start_the_briefing_says_when_the_track_starts() -> None:
    city = _city(programme=Programme(start=date(2025, 10, 17)))
    assert milestones.month_of_track(city, TODAY) == -3
    assert "The track starts on 2025-10-17." in briefing.render(city, TODAY)


def _printed_day(html: str, lang: str, near: date) -> date:
    """The day the briefing says it was prepared on, read back from its words in `lang`."""
    line = _("Data as a Service track. Prepared on {day} from the kit's records.", lang)
    before, after = (re.escape(part) for part in line.split("{day}"))
    found = re.search(f"{before}(.+?){after}", unescape(html))
    assert found, f"no 'Prepared on' line in {lang}"
    days = (near + timedelta(days=n) for n in range(-800, 800))
    return next(d for d in days if long_date(d, lang) == found.group(1))


def _month_of_track(start: date, day: date) -> int:
    """Month 1 runs from the start to the day before the same date a month later, and so on."""
    month = 1
    while (start.year + (start.month - 1 + month) // 12, (start.month - 1 + month) % 12 + 1,
           start.day) <= (day.year, day.month, day.day):  # fmt: skip
        month += 1
    return month


@pytest.mark.parametrize("slug", EXAMPLES)
@pytest.mark.parametrize("days", [None, 0, 1, 30, 31, 200, 364, 365, 400])
def test_the_briefing_s_month_agrees_with_its_date(slug: str, days: int | None) -> None:
    """The briefing's "Month N of 12" is the month of the track its "Prepared on" date falls in,
    counted from the city's start date; past month 12 it says the track has ended."""
    city = load_city(slug)
    assert city.programme and city.programme.start
    start, lang = city.programme.start, city.language
    html = unescape(briefing.render(city, None if days is None else start + timedelta(days=days)))
    day = _printed_day(html, lang, start)
    assert days is None or day == start + timedelta(days=days)
    expected = _month_of_track(start, day)
    before, after = (re.escape(part) for part in _("Month {month} of 12.", lang).split("{month}"))
    said = [int(n) for n in re.findall(rf"{before}(\d+){after}", html)]
    if expected <= 12:
        assert said == [expected], f"prepared on {day}, started {start}: month {said}"
    else:
        assert said == [] and _("The twelve-month track has ended.", lang) in html


def test_no_programme_section_is_one_warning() -> None:
    found = [p for p in warnings(_city(programme=None), TODAY) if p.field.startswith("programme")]
    assert [p.field for p in found] == ["programme"]
    assert (
        milestones.timeline_chart(
            _city(programme=None), milestones.progress(_city(programme=None), TODAY), TODAY
        )
        is None
    )


def test_an_unknown_milestone_is_refused_with_the_allowed_ids() -> None:
    data = load_city().model_dump(mode="json", exclude_none=True)
    data["programme"]["milestones"]["beacon-gamma"] = {"planned": "2026-05-01"}
    with pytest.raises(DaasError) as exc:
        parse_city(data, "cities/port-mallory.yml")
    assert "beacon-gamma" in exc.value.problems[0].field
    assert "'beacon-live'" in exc.value.problems[0].message


# --- team ----------------------------------------------------------------------------------------


def test_an_unfilled_role_is_a_warning_and_validate_exits_0(
    city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _city_data(city_tree)
    data["team"] = [m for m in data["team"] if m["role"] != "beacon-lead"]
    data["team"][0]["hours_per_week"] = 2
    _write_city(city_tree, "port-mallory", data)
    assert main(["city", "validate", "--city", "port-mallory"]) == 0
    out = capsys.readouterr().out
    assert "team: no one is named as Beacon Data Service lead and specialist" in out
    assert "team[0].hours_per_week: Dana Okafor gives 2 hours a week; the track asks 4-8" in out
    b = briefing.gather(load_city("port-mallory"), TODAY)
    assert "beacon-lead" in b.unfilled
    assert any("Beacon Data Service lead" in r.text and r.level == "high" for r in b.risks)


def test_villa_ondina_open_co_lead_place_shows_on_the_team_table() -> None:
    from daas.programme.team import team_table

    table = team_table(load_city("villa-ondina"))
    assert table.loc["Data community co-lead", "places open"] == 1
    assert table["places open"].sum() == 1


# --- briefing ------------------------------------------------------------------------------------


def _add_email_column(root: Path) -> None:
    listings = root / "data" / "port-mallory" / "beacon" / "listings.csv"
    lines = listings.read_bytes().decode("latin-1").split("\r\n")
    body = [line for line in lines[1:] if line]
    lines = [lines[0] + ";agent_email"] + [
        f"{line};tenant{i}@example.org" for i, line in enumerate(body)
    ]
    listings.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))


def test_a_failed_privacy_gate_is_the_first_risk_of_the_briefing(
    city_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["beacon", "build", "--city", "port-mallory", "--quiet"]) == 0
    _add_email_column(city_tree)
    assert main(["beacon", "build", "--city", "port-mallory", "--quiet"]) == 1
    assert main(["programme", "briefing", "--city", "port-mallory"]) == 0
    b = briefing.gather(load_city("port-mallory"), TODAY)
    assert b.beacon.gate_failed and b.beacon.built  # the old output is still published
    assert b.risks[0].level == "high" and "privacy gate" in b.risks[0].text
    assert "privacy gate" in b.decisions[0]
    html = (output_dir("port-mallory") / "briefing.html").read_text(encoding="utf-8")
    risks = html.split(">Risks</h2>")[1].split("</section>")[0]
    assert "The privacy gate stopped the last Beacon run" in risks


def test_a_healthy_beacon_has_no_gate_risk(city_tree: Path) -> None:
    assert main(["beacon", "build", "--city", "port-mallory", "--quiet"]) == 0
    b = briefing.gather(load_city("port-mallory"), TODAY)
    assert b.beacon.built and not b.beacon.last_failed
    assert not any("privacy gate" in r.text for r in b.risks)
    assert len(b.decisions) == 3 and not any("privacy gate" in d for d in b.decisions)
    assert b.decisions[-1].startswith("Confirm the team is on course for")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.refs += [v or "" for k, v in attrs if k in {"src", "href", "srcset", "action"}]


def test_briefing_is_self_contained_and_escapes_the_city(city_tree: Path) -> None:
    lead = TeamMember(
        role="beacon-lead", name="<img src=https://evil.example/x.png>", hours_per_week=1
    )
    html = briefing.render(_city(name=HOSTILE, team=[lead]), TODAY)
    parsed = _Tags()
    parsed.feed(html)
    assert parsed.refs == []  # nothing to fetch or follow: no links, images, scripts, styles
    assert not parsed.tags & {"script", "img", "link", "iframe", "object", "b", "a"}
    assert "&lt;/script&gt;&lt;script&gt;alert(&#x27;pwned&#x27;)" in html
    assert "@media print" in html and "size: A4" in html


def test_briefing_speaks_the_city_language() -> None:
    html = briefing.render(load_city("villa-ondina"), TODAY)
    assert '<html lang="es">' in html
    assert f"<h2>{_('Risks', 'es')}</h2>" in html and _("Risks", "es") != "Risks"
    assert _("Leadership briefing", "es") in html


def test_a_site_page_shows_the_briefing_in_the_readers_language() -> None:
    """An English city's briefing on the Portuguese site is in Portuguese; its team text is not
    translated, the kit's words are."""
    b = briefing.gather(load_city("port-mallory"), TODAY, lang="pt")
    body = briefing.body_html(b)
    assert f"<h2>{_('Risks', 'pt')}</h2>" in body and _("Risks", "pt") != "Risks"
    case = showcase.gather(load_city("port-mallory"), TODAY, lang="pt")
    assert _("A case study from the Data as a Service track", "pt") in showcase.to_markdown(case)


# --- case study ----------------------------------------------------------------------------------


def test_missing_team_text_is_left_out_and_warned_never_filled_in() -> None:
    city = _city(showcase=Showcase(users="Renters and housing navigators."))
    case = showcase.gather(city, TODAY)
    assert set(case.missing) == {"built", "results", "lessons", "reuse"} and not case.ready
    md = showcase.to_markdown(case)
    assert "## The users" in md and "Renters and housing navigators." in md
    assert "## Lessons" not in md  # nothing from the team and no figures: left out
    assert city.priority_problem.split()[0] in md  # the problem falls back on the city file
    (w,) = [p for p in warnings(city, TODAY) if p.field == "showcase"]
    assert "Lessons" in w.message and "`lessons`" in w.fix


def test_case_study_escapes_the_team_text() -> None:
    city = _city(name=HOSTILE, showcase=Showcase(lessons="It's *not* <b>bold</b> [link](x)"))
    md = showcase.render(city, TODAY)
    assert "<b>" not in md and "&lt;b&gt;" in md and "\\[link\\]\\(x\\)" in md
    assert "It's \\*not\\*" in md  # the apostrophe stays readable


# --- outputs and the coaches' overview ------------------------------------------------------------


@pytest.mark.parametrize("slug", EXAMPLES)
def test_each_example_city_gets_its_programme_outputs(city_tree: Path, slug: str) -> None:
    city = load_city(slug)
    paths = write_all(city, TODAY)
    assert [p.name for p in paths] == [
        "readiness.json",
        "progress.json",
        "briefing.html",
        "showcase.md",
    ]
    assert all(p.parent == city_build_dir(slug) / "programme" for p in paths)
    fit = json.loads(paths[0].read_text(encoding="utf-8"))
    assert fit["verdict"] in readiness.VERDICTS
    progress = json.loads(paths[1].read_text(encoding="utf-8"))
    assert len(progress["milestones"]) == 12 and progress["today"] == TODAY.isoformat()
    assert f'<html lang="{city.language}">' in paths[2].read_text(encoding="utf-8")
    assert paths[3].read_text(encoding="utf-8").startswith(f"# {city.name}")


def test_workshop_step_prints_warnings_and_succeeds(city_tree: Path) -> None:
    from rich.console import Console

    from daas.packs.cli import city_stages

    out = io.StringIO()
    results = city_stages([load_city("villa-ondina")], Console(file=out, width=200))
    assert {r.notebook: r.status for r in results}["programme"] == "ok"
    assert "failed" not in {r.status for r in results}
    assert "cities/villa-ondina.yml: team" in out.getvalue()
    assert (output_dir("villa-ondina") / "briefing.html").exists()


def test_overview_covers_every_city_file(city_tree: Path) -> None:
    data = _city_data(city_tree)
    data.update(slug="puerto-nuevo", name="Puerto Nuevo")
    data.pop("programme")
    _write_city(city_tree, "puerto-nuevo", data)
    (city_tree / "cities" / "broken-town.yml").write_text("slug: broken-town\nname: [\n")
    rows = overview.rows(TODAY)
    slugs = sorted(p.stem for p in (city_tree / "cities").glob("*.yml"))
    assert [r["slug"] for r in rows] == slugs
    broken = next(r for r in rows if r["slug"] == "broken-town")
    assert broken["problem"]
    new = next(r for r in rows if r["slug"] == "puerto-nuevo")
    assert new["month"] is None and new["warnings"] >= 1
    table = overview.table(rows)
    assert list(table.index) == [r["city"] for r in rows]
    spec = overview.chart(rows).to_dict()
    assert spec["description"].startswith(f"{len(slugs) - 1} cities")


def test_the_overview_stays_out_of_city_editions() -> None:
    from daas.site.edition import edition_toc

    toc = yaml.safe_load((repo_root() / "_toc.yml").read_text(encoding="utf-8"))
    assert "book/coaches/overview" in json.dumps(toc)
    assert "book/coaches/overview" not in json.dumps(edition_toc(toc, []))


def test_a_gate_failure_recorded_in_spanish_is_still_recognised(
    city_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run record names the failed check, not just a message in the build's language."""
    assert main(["beacon", "build", "--city", "port-mallory", "--quiet"]) == 0
    _add_email_column(city_tree)
    monkeypatch.setenv("DAAS_LANG", "es")
    assert main(["beacon", "build", "--city", "port-mallory", "--quiet"]) == 1
    b = briefing.gather(load_city("port-mallory"), TODAY)
    assert "privacy gate" not in str(b.beacon.last.get("error")).lower()  # it is in Spanish
    assert b.beacon.gate_failed and b.risks[0].level == "high"
