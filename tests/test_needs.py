"""User needs: research notes, affinity mapping, the story checker in three languages, MoSCoW
and RICE, the backlog export, `daas needs check`, and workshop 02 under papermill."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from daas.cli import main
from daas.core.city import City
from daas.core.errors import DaasError
from daas.core.paths import repo_root
from daas.needs import affinity, notes, prioritise, stories
from tests.needs_helpers import DATA, run_with, text_of

SAMPLE_DIR = repo_root() / "data" / "port-mallory"

# --- the story checker ---------------------------------------------------------------------

GOOD = [
    ("As a renter, I need one list of affordable homes so that I can apply in time.", "en"),
    ("As an outreach worker I want open waitlists weekly, so I can advise clients.", "en"),
    ("as a council member we need monthly counts so that we see thin supply", "en"),
    ("AS A PLANNER, I NEED EXPIRY DATES SO THAT WE ACT EARLY!", "en"),
    ("Como inquilina, necesito ver los límites de ingreso para saber si califico.", "es"),
    ("Como trabajadora social quiero alertas de vacantes para que mis clientes no pierdan plazos",
     "es"),
    ("como vecino necesito informacion en espanol para entender las reglas", "es"),
    ("Como morador, preciso de uma lista atualizada para que eu possa me inscrever.", "pt"),
    ("Como assistente social quero alertas de vagas para ajudar meus clientes.", "pt"),
    ("Como gestora, precisamos de dados por bairro para decidir onde investir", "pt"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "language"), GOOD)
def test_checker_accepts_well_formed_stories(text: str, language: str) -> None:
    c = stories.check_story(text)
    assert c.ok, c.explain()
    assert c.language == language
    assert c.role and c.need and c.goal


def test_checker_keeps_the_parts_and_accents() -> None:
    c = stories.check_story("Como inquilina, necesito ver los límites de ingreso para saber más.")
    assert (c.role, c.need, c.goal) == ("inquilina", "ver los límites de ingreso", "saber más")


BAD = [
    ("I need a map so that I can plan visits.", "en", ("role",), "who the user is"),
    ("As a renter, so that I can apply on time.", "en", ("need",), "what they need"),
    ("As a renter, I need one list of homes.", "en", ("goal",), "why they need it"),
    ("As a, I need a list so that I can apply.", "en", ("role",), "As a"),
    ("Necesito alertas para no perder plazos.", "es", ("role",), "quién es la persona usuaria"),
    ("Como vecina, para no perder plazos.", "es", ("need",), "qué necesita"),
    ("Como vecina, necesito alertas de vacantes.", "es", ("goal",), "para qué lo necesita"),
    ("Preciso de alertas para não perder prazos.", "pt", ("role",), "quem é o usuário"),
    ("Como morador, quero mapas.", "pt", ("goal",), "para que precisa"),
    ("Please make the website better.", "en", ("role", "need", "goal"), "Missing"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "language", "missing", "phrase"), BAD)
def test_checker_rejects_and_says_what_is_missing(
    text: str, language: str, missing: tuple[str, ...], phrase: str
) -> None:
    c = stories.check_story(text, language)
    assert not c.ok
    assert c.missing == missing
    assert phrase in c.explain()


def test_explanation_is_in_the_story_language() -> None:
    assert stories.check_story("Como vecina, necesito alertas.").explain().startswith("Falta:")
    assert stories.check_story("As a renter").explain().startswith("Missing:")


def test_acceptance_criteria() -> None:
    got = stories.criteria("Done when: the list is weekly; Hecho cuando: hay alertas\n"
                           "Concluído quando: mapa publicado;;")  # fmt: skip
    assert got == ["the list is weekly", "hay alertas", "mapa publicado"]
    assert stories.criteria("") == []


def test_read_markdown_stories_with_criteria(tmp_path: Path) -> None:
    f = tmp_path / "s.md"
    f.write_text(
        "# Our stories\n\n"
        "- **US1** As a renter, I need a list so that I can apply.\n"
        "  - Done when: it updates weekly\n"
        "  - Done when: it works on a phone\n"
        "- Como vecina, necesito alertas.\n\n"
        "```\nAs a fake story in code, I need nothing so that nothing\n```\n",
        encoding="utf-8",
    )
    table, _ = stories.read_stories(f)
    assert table["id"].tolist() == ["US1", "line 6"]
    assert stories.criteria(table.loc[0, "done_when"]) == [
        "it updates weekly",
        "it works on a phone",
    ]
    checked = stories.check_table(table)
    assert checked["ok"].tolist() == [True, False]
    assert checked.loc[0, "criteria"] == 2


# --- daas needs check ------------------------------------------------------------------------


def test_cli_passes_the_sample_stories(capsys) -> None:
    assert main(["needs", "check", str(SAMPLE_DIR / "user_stories.csv")]) == 0
    assert "all 10 stories" in capsys.readouterr().out


def test_cli_fails_incomplete_stories_saying_what_is_missing(capsys) -> None:
    assert main(["needs", "check", str(DATA / "messy_user_stories.csv")]) == 1
    out = capsys.readouterr().out
    assert "A2 (line 3): Missing: who the user is" in out
    assert "A4 (line 5): Falta: para que precisa" in out
    assert "A1" not in out and "A3" not in out
    assert "2 of 4 stories are incomplete" in out


def test_cli_language_option(tmp_path: Path, capsys) -> None:
    f = tmp_path / "s.md"
    f.write_text("- As a renter, I need a list so that I can apply.\n", encoding="utf-8")
    assert main(["needs", "check", "--language", "en", str(f)]) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "file not found"),
        ("nostory.csv", "id,text\n1,As a renter\n", "missing column"),
        ("empty.md", "# Nothing here\n\nJust prose.\n", "no stories found"),
        ("blank.csv", "", "empty"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, capsys, name, content, message) -> None:
    f = tmp_path / name
    if content is not None:
        f.write_text(content, encoding="utf-8")
    assert main(["needs", "check", str(f)]) == 2
    err = capsys.readouterr().err
    assert message in err and name in err


# --- research notes and affinity mapping -----------------------------------------------------


def test_sample_notes_are_clean(example_city: City) -> None:
    n = notes.notes_for(example_city)
    assert len(n.table) == 29 and n.problems == []
    groups = notes.participants_by_group(n)
    assert groups["participants"].sum() == 12


def test_messy_notes_are_reported_not_fatal() -> None:
    n = notes.read_notes(DATA / "messy_research_notes.csv")
    text = "\n".join(str(p) for p in n.problems)
    assert "row 3, observation: empty observation" in text
    assert "row 4, observation: same observation as row 2" in text
    assert "row 5, participant: no answer" in text
    assert "row 6, user_group: no answer" in text
    assert "row 7, observation: empty observation" in text
    assert n.table["note_id"].tolist() == ["n002", "n005", "n006", "n008", "n009"]


def test_missing_notes_column_is_bad_input(tmp_path: Path) -> None:
    f = tmp_path / "n.csv"
    f.write_text("participant,observation\nP1,hello\n", encoding="utf-8")
    with pytest.raises(DaasError) as exc:
        notes.read_notes(f)
    assert exc.value.problems[0].field == "user_group"


def test_auto_grouping_puts_similar_notes_together_deterministically() -> None:
    n = notes.read_notes(DATA / "messy_research_notes.csv").table
    g = affinity.auto_group(n).set_index("note_id")["theme"]
    assert g["n005"] == g["n006"] != affinity.UNGROUPED  # both about income limits
    assert g["n008"] == g["n009"] != g["n005"]  # both about spreadsheets of buildings
    assert g["n002"] == affinity.UNGROUPED
    pd.testing.assert_frame_equal(affinity.auto_group(n), affinity.auto_group(n.iloc[::-1]))


def test_sample_notes_form_several_themes(example_city: City) -> None:
    g = affinity.auto_group(notes.notes_for(example_city).table)
    t = affinity.themes(g)
    named = t[t["theme"] != affinity.UNGROUPED]
    assert len(named) >= 5
    assert (named["notes"] >= 2).all()
    assert "income / limit" in set(t["theme"])


def test_team_edits_move_and_rename_and_round_trip(tmp_path: Path) -> None:
    n = notes.read_notes(DATA / "messy_research_notes.csv").table
    g = affinity.auto_group(n)
    g = affinity.edit(g, moves={"n002": "Finding homes"},
                      renames={"income / limit": "Eligibility is unclear"})  # fmt: skip
    by_id = g.set_index("note_id")["theme"]
    assert by_id["n002"] == "Finding homes" and by_id["n005"] == "Eligibility is unclear"
    path = affinity.save_groups(g, tmp_path / "affinity.csv")
    again = affinity.load_groups(path)
    assert again.set_index("note_id")["theme"].to_dict() == by_id.to_dict()
    f = affinity.findings(again, {"Eligibility is unclear": "Renters cannot tell if they qualify"})
    row = f.set_index("theme").loc["Eligibility is unclear"]
    assert row["finding"] == "Renters cannot tell if they qualify"
    assert row["evidence"].startswith("2 of 5 participants")


def test_edit_rejects_unknown_ids_and_themes() -> None:
    g = affinity.auto_group(notes.read_notes(DATA / "messy_research_notes.csv").table)
    with pytest.raises(DaasError, match="no such note id"):
        affinity.edit(g, moves={"n999": "x"})
    with pytest.raises(DaasError, match="no such theme"):
        affinity.edit(g, renames={"nothing": "x"})


def test_load_groups_rejects_repeated_ids(tmp_path: Path) -> None:
    f = tmp_path / "g.csv"
    f.write_text("note_id,observation,theme\nn1,a,x\nn1,b,y\n", encoding="utf-8")
    with pytest.raises(DaasError, match="repeated note id"):
        affinity.load_groups(f)


# --- MoSCoW, RICE and the backlog -----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Must", "Must"), ("must have", "Must"), ("M", "Must"), ("Won’t", "Won't"),
     ("wont", "Won't"), ("Debería", "Should"), ("poderia", "Could"), ("maybe", None)],
)  # fmt: skip
def test_moscow_spellings(cell: str, expected: str | None) -> None:
    assert prioritise.moscow(cell) == expected


def test_rice_formula() -> None:
    assert prioritise.rice(4000, 2, 0.8, 3) == 2133.3
    assert prioritise.rice(60, 2, 1.0, 0.5) == 240.0


def test_sample_backlog_order_is_stable(example_city: City) -> None:
    table, problems = stories.read_stories(example_city.dataset_path("stories"))
    b, bad = prioritise.backlog(table)
    assert problems == [] and bad == []
    assert b["id"].tolist() == ["US02", "US01", "US04", "US07", "US03", "US06", "US05", "US08",
                                "US09", "US10"]  # fmt: skip
    assert b.loc[0, "rice"] == 2800.0 and b.loc[0, "confidence"] == 0.8
    b2, _ = prioritise.backlog(table.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(b, b2)


def test_messy_backlog_reports_bad_cells_and_puts_them_last() -> None:
    table, _ = stories.read_stories(DATA / "messy_user_stories.csv")
    b, problems = prioritise.backlog(table, "messy_user_stories.csv")
    fields = [p.field for p in problems]
    a2 = [f"row 3 (A2), {c}" for c in ("moscow", "reach", "impact", "confidence", "effort")]
    assert fields == [*a2, "row 5 (A4), reach"]
    assert b["id"].tolist() == ["A1", "A3", "A4", "A2"]
    assert b.set_index("id").loc["A3", "impact"] == 2  # "high"
    assert math.isnan(b.set_index("id").loc["A2", "rice"])
    assert b.set_index("id")["story_ok"].to_dict() == {"A1": True, "A3": True, "A4": False,
                                                       "A2": False}  # fmt: skip


def test_moscow_balance_flags_too_many_musts() -> None:
    table, _ = stories.read_stories(DATA / "messy_user_stories.csv")
    bal = prioritise.moscow_balance(prioritise.backlog(table)[0])
    assert "over 60%" in bal.loc["Must", "note"]
    sample, _ = stories.read_stories(SAMPLE_DIR / "user_stories.csv")
    ok = prioritise.moscow_balance(prioritise.backlog(sample)[0])
    assert ok.loc["Must", "note"] == "" and ok.loc["Must", "share_of_effort"] == 0.41


def test_workshop_tables_are_written_for_a_reader(example_city: City) -> None:
    groups = affinity.auto_group(notes.notes_for(example_city).table)
    shown = affinity.groups_table(groups)
    assert list(shown.columns) == ["Note", "Participant", "User group", "Theme", "Observation"]
    assert shown["Note"].iloc[0] == f"<code>{groups['note_id'].iloc[0]}</code>"
    assert set(shown["Theme"]) == set(groups["theme"])  # as `theme_names` needs them
    assert len(affinity.themes_table(groups, top=None)) == groups["theme"].nunique()
    assert list(affinity.findings_table(groups).columns) == ["Theme", "Finding", "Evidence"]
    table, _ = stories.read_stories(SAMPLE_DIR / "user_stories.csv")
    assert set(stories.checked_table(stories.check_table(table))["Complete"]) == {"Yes"}
    backlog = prioritise.backlog(table)[0]
    assert prioritise.backlog_table(backlog).iloc[0].tolist() == ["1", "US02", "Must", "2,800",
                                                                  "Yes"]  # fmt: skip
    balance = prioritise.moscow_balance_table(backlog).set_index("MoSCoW")
    assert balance.loc["Must", "Share of the effort"] == "41%"
    assert balance.loc["Won&#x27;t", "Effort (person-months)"] == "0.5"


def test_rice_chart_is_described(example_city: City) -> None:
    table, _ = stories.read_stories(SAMPLE_DIR / "user_stories.csv")
    spec = prioritise.rice_chart(prioritise.backlog(table)[0], example_city).to_dict()
    assert "First in the backlog: US02 (Must, RICE 2800)" in spec["description"]
    assert "Port Mallory" in json.dumps(spec["title"])


def test_export_writes_csv_and_markdown(tmp_path: Path) -> None:
    table, _ = stories.read_stories(SAMPLE_DIR / "user_stories.csv")
    b, _ = prioritise.backlog(table)
    files = prioritise.export_backlog(b, tmp_path / "backlog", "Backlog, Port Mallory")
    back = pd.read_csv(files["csv"])
    assert back["id"].tolist() == b["id"].tolist()
    md = files["markdown"].read_text(encoding="utf-8")
    assert md.startswith("# Backlog, Port Mallory\n") and "| 1 | US02 | Must | 2800 |" in md


def test_export_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table, _ = stories.read_stories(SAMPLE_DIR / "user_stories.csv")
    b, _ = prioritise.backlog(table)
    target = tmp_path / "backlog"
    prioritise.export_backlog(b, target)
    before = (target / "backlog.csv").read_text()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(prioritise, "to_markdown", boom)
    with pytest.raises(RuntimeError):
        prioritise.export_backlog(b.head(2), target)
    assert (target / "backlog.csv").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backlog"]


# --- workshop 02 under papermill ------------------------------------------------------------


@pytest.mark.slow
def test_workshop_runs_for_example_city(tmp_path: Path) -> None:
    nb = run_with("02-user-needs.ipynb", tmp_path / "out.ipynb", output_dir=str(tmp_path / "o"))
    text = text_of(nb)
    assert "Port Mallory: 29 observations from 12 participants" in text
    assert "10 of 10 stories are complete" in text
    assert (tmp_path / "o" / "backlog" / "backlog.csv").exists()
    assert (tmp_path / "o" / "affinity.csv").exists()
    checked = [c for c in nb.cells if "nbval-check-output" in c.metadata.get("tags", [])]
    assert "US02" in "".join(checked[0].outputs[0]["data"]["text/plain"])


@pytest.mark.slow
def test_workshop_reports_problems_in_messy_inputs(tmp_path: Path) -> None:
    nb = run_with(
        "02-user-needs.ipynb", tmp_path / "out.ipynb",
        notes_file=str(DATA / "messy_research_notes.csv"),
        stories_file=str(DATA / "messy_user_stories.csv"),
        theme_names={"income / limit": "Eligibility is unclear"},
        language="pt", output_dir=str(tmp_path / "o"),
    )  # fmt: skip
    text = text_of(nb)
    assert "5 observations from 5 participants" in text and "5 problem(s) found" in text
    assert "Eligibility is unclear" in text
    assert "2 of 4 stories are complete" in text
    assert "Como [usuário], preciso [algo] para [objetivo]." in text


def test_city_without_needs_data_is_told_which_field_to_add(example_city: City) -> None:
    bare = example_city.model_copy(update={"slug": "new-town", "datasets": {}})
    for read, key in ((notes.notes_for, "research_notes"), (stories.stories_for, "stories")):
        with pytest.raises(DaasError) as exc:
            read(bare)  # never another city's sample
        p = exc.value.problems[0]
        assert (p.file, p.field) == ("cities/new-town.yml", f"datasets.{key}")
        assert f"{key}: {{path: ..." in p.fix
    assert stories.stories_for(bare, DATA / "messy_user_stories.csv")[0]["id"].tolist()[:1] == [
        "A1"
    ]


def test_examples_table_marks_each_story_with_its_language() -> None:
    """On a Spanish page an English example story is marked `lang="en"`; Spanish ones are not."""
    from daas.core import i18n

    texts = ["As a resident, I need to see the backlog so that I can plan.",
             "Como vecina, necesito ver los plazos para saber cuándo volver a llamar."]  # fmt: skip
    with i18n.use_language("es"):
        html = stories.examples_table(texts)._repr_html_()
    assert html.count('<span lang="en">') == 2  # the story and what the checker says of it
    assert 'lang="es"' not in html and "Como vecina" in html
