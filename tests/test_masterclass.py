"""Masterclasses, the community kit and the self-paced paths: structure, timings, links, and the
learner edition that holds no coach notes and no solutions."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from daas.core.city import list_cities, load_city
from daas.core.errors import DaasError
from daas.core.paths import repo_root
from daas.masterclasses import agendas
from daas.masterclasses.editions import variant as edition_variant
from daas.site import variants

ROOT = repo_root()
PAGES = {
    "user-needs": "book/masterclasses/user-needs.md",
    "engagement": "book/masterclasses/engagement.md",
    "governance": "book/masterclasses/governance.md",
    "live-service": "book/masterclasses/live-service.md",
}
MY_FOLDERS = ("book/masterclasses", "book/community", "book/paths")
HIDDEN_BLOCK = re.compile(
    r"^(`{3,})\{admonition\}[^\n]*\n:class: (?:dropdown )?(coach-note|solution)\n(.*?)^\1$",
    re.S | re.M,
)
# a block kept for the other Beacon recipe (the editions below are built as housing cities)
OTHER_RECIPE = re.compile(r"^(`{3,})\{only\} recipe_(?!housing)\w+\n.*?^\1$", re.S | re.M)


def _toc_files() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = {toc["root"]}

    def walk(entries: list[dict]) -> None:
        for e in entries:
            if "file" in e:
                found.add(e["file"])
            walk(e.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return found


@pytest.mark.parametrize("key", agendas.MASTERCLASSES)
def test_agenda_adds_up(key: str) -> None:
    table = agendas.agenda_table(key)
    body, total = table.iloc[:-1], table.iloc[-1]
    assert total["activity"] == "Total"
    assert total["teaching (min)"] == body["teaching (min)"].sum() > 0
    assert total["exercise (min)"] == body["exercise (min)"].sum() > 0
    minutes = int(total["teaching (min)"] + total["exercise (min)"])
    assert minutes == agendas.MASTERCLASSES[key].minutes
    assert table.index[-1] == f"{minutes // 60}:{minutes % 60:02d}"


def test_agenda_that_does_not_add_up_names_the_fix(monkeypatch) -> None:
    mc = agendas.Masterclass("x", 60, (agendas.Item("a", 10, 10),))
    monkeypatch.setitem(agendas.MASTERCLASSES, "x", mc)
    with pytest.raises(DaasError, match="add up to 20 minutes, not 60"):
        agendas.agenda_table("x")
    with pytest.raises(DaasError, match="no masterclass"):
        agendas.agenda_table("nope")


@pytest.mark.parametrize("key", PAGES)
def test_masterclass_page_has_every_part(key: str) -> None:
    text = (ROOT / PAGES[key]).read_text()
    for heading in (
        "## Learning objectives",
        "## Agenda",
        "## Exercise",
        "## Key points",
        "## Sources",
    ):
        assert heading in text, heading
    assert f'agenda_table("{key}")' in text
    assert text.count("```{code-cell}") >= 2, "worked examples call the package"
    kinds = [m.group(2) for m in HIDDEN_BLOCK.finditer(text)]
    assert "coach-note" in kinds and "solution" in kinds
    links = re.findall(r"`(exercises/[^`]+\.ipynb)`", text)
    assert links and all((ROOT / p).exists() for p in links)
    assert all((ROOT / "exercises" / "solutions" / Path(p).name).exists() for p in links)


def test_live_service_and_engagement_cover_the_brief() -> None:
    live = (ROOT / PAGES["live-service"]).read_text()
    for call in (
        "freshness_chart",
        "quality_chart",
        "usage_chart",
        "incidents_table",
        "service_levels",
    ):
        assert call in live
    eng = (ROOT / PAGES["engagement"]).read_text().lower()
    assert all(
        w in eng
        for w in ("find", "refine", "design", "implement", "stakeholder", "data-sharing agreement")
    )


def test_my_parts_are_in_the_toc() -> None:
    files = _toc_files()
    for folder in MY_FOLDERS:
        for page in (ROOT / folder).glob("*.md"):
            assert str(page.relative_to(ROOT).with_suffix("")) in files, page


def test_no_city_is_named_in_pages_or_notebooks() -> None:
    names = [load_city(s).name for s in list_cities()]
    texts = [p for f in MY_FOLDERS for p in (ROOT / f).glob("*.md")]
    texts += [*(ROOT / "exercises").rglob("*.ipynb"), ROOT / "notebooks/05-community-tracker.ipynb"]
    for path in texts:
        body = path.read_text()
        if path.suffix == ".ipynb":  # sources only: stored outputs are the example city's
            body = "".join("".join(c["source"]) for c in json.loads(body)["cells"])
        for name in names:
            assert name not in body, f"{path.name} names {name}: use {{{{ city_name }}}}"


def test_community_kit_has_charter_sessions_format_and_tracker() -> None:
    kit = (ROOT / "book/community/index.md").read_text()
    assert all(f"**{w}**" in kit for w in ("Domain.", "Community.", "Practice."))
    sessions = (ROOT / "book/community/sessions.md").read_text()
    assert [f"## Session {i}" in sessions for i in range(1, 5)] == [True] * 4
    assert "## Show-and-tell format" in sessions
    for table in re.findall(
        r"\| minutes \| what happens \|\n\|---\|---\|\n((?:\|.*\n)+)", sessions
    ):
        assert sum(int(r.split("|")[1]) for r in table.strip().splitlines()) == 60
    assert "tracker.participation_chart" in (ROOT / "book/community/tracker.md").read_text()


def test_role_paths_link_real_pages_and_add_up() -> None:
    page = ROOT / "book/paths/index.md"
    text = page.read_text()
    files = _toc_files()
    targets = re.findall(r"\{doc\}`([^`]+)`", text)
    assert len(targets) > 20
    for t in targets:
        doc = os.path.normpath(page.parent.relative_to(ROOT) / t)
        assert doc in files, f"{t} is not a page in _toc.yml"
        assert (ROOT / f"{doc}.md").exists()
    roles = re.split(r"\n## ", text)[1:]
    assert len(roles) == 5
    for role in roles:
        rows = [r.split("|") for r in role.splitlines() if re.match(r"\| \d+ \|", r)]
        total = re.search(r"\*\*Total\*\* \| \*\*(\d+)\*\*", role)
        assert rows and total, role.splitlines()[0]
        assert [int(r[1]) for r in rows] == list(range(1, len(rows) + 1))
        assert sum(int(r[3]) for r in rows) == int(total.group(1)), role.splitlines()[0]


def test_an_edition_is_a_variant_with_its_config(tmp_path: Path) -> None:
    coach = edition_variant("coach", output_root=tmp_path)
    config = variants.configure(coach)
    assert config["sphinx"]["config"]["daas_edition"] == "coach"
    assert "daas.site.coach" in config["sphinx"]["extra_extensions"]
    assert variants.stage(coach) == ROOT  # the whole book: nothing to stage
    part = edition_variant("coach", output_root=tmp_path, parts=("Masterclasses",))
    source = variants.stage(part)
    assert (source / "book/masterclasses/index.md").exists()
    assert [p["caption"] for p in yaml.safe_load((source / "_toc.yml").read_text())["parts"]] == [
        "Masterclasses"
    ]
    with pytest.raises(DaasError, match="learner or coach"):
        variants.configure(edition_variant("teacher", output_root=tmp_path))
    with pytest.raises(DaasError, match="Nowhere"):
        variants.stage(edition_variant("coach", output_root=tmp_path, parts=("Nowhere",)))


def test_default_site_is_the_learner_edition() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "daas.site.coach" in config["sphinx"]["extra_extensions"]
    assert "daas_edition" not in config["sphinx"]["config"]


def _visible_text(folder: Path) -> str:
    chunks = []
    for f in folder.rglob("*"):
        if f.is_file() and f.suffix in {".html", ".js", ".txt", ".md", ".ipynb"}:
            raw = html.unescape(re.sub(r"<[^>]+>", " ", f.read_text(errors="replace")))
            chunks.append(" ".join(raw.split()))
    return "\n".join(chunks)


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, str]:
    """The kit's own masterclass, community and path pages built in both editions (cells are
    not executed here: the full book build executes them)."""
    src = tmp_path_factory.mktemp("src")
    for folder in MY_FOLDERS:
        shutil.copytree(ROOT / folder, src / folder)
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'sphinx_togglebutton', 'daas.site.coach']\n"
        "myst_enable_extensions = ['colon_fence', 'substitution']\n"
        "myst_substitutions = {'city_name': 'Testville', 'min_cell_size': '10',"
        " 'priority_problem': 'x'}\n"
        "nb_execution_mode = 'off'\ntags.add('recipe_housing')\n"
        "suppress_warnings = ['myst.xref_missing', 'ref.doc']\n"
    )
    (src / "index.md").write_text("# Index\n\n```{toctree}\n:glob:\nbook/*/*\n```\n")
    out = {}
    for kind in ("learner", "coach"):
        dest = tmp_path_factory.mktemp(kind)
        proc = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(dest)],
            env={**os.environ, "DAAS_EDITION": kind},
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        out[kind] = _visible_text(dest)
    return out


def _markers() -> list[tuple[str, str]]:
    found = []
    for folder in MY_FOLDERS:
        for page in sorted((ROOT / folder).glob("*.md")):
            for m in HIDDEN_BLOCK.finditer(page.read_text()):
                body = OTHER_RECIPE.sub("", m.group(3))
                text = [ln for ln in body.splitlines() if not ln.startswith(("```", ":"))]
                words = " ".join(" ".join(text).split()[:7])
                assert words, f"{page.name}: a {m.group(2)} block with no text of its own"
                found.append((f"{page.name}: {m.group(2)}", words))
    return found


def test_every_coach_note_and_solution_is_in_coach_edition_only(editions) -> None:
    markers = _markers()
    assert len([m for m in markers if "coach-note" in m[0]]) >= 6
    assert len([m for m in markers if "solution" in m[0]]) >= 4
    for where, words in markers:
        assert words in editions["coach"], f"{where} missing from the coach edition"
        assert words not in editions["learner"], f"{where} leaked into the learner edition"
    assert "Learning objectives" in editions["learner"]


def test_unknown_edition_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("extensions = ['daas.site.coach']\n")
    (tmp_path / "index.rst").write_text("Hi\n==\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(tmp_path), str(tmp_path / "o")],
        env={**os.environ, "DAAS_EDITION": "teacher"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "use learner or coach" in proc.stderr


@pytest.mark.parametrize("slug", list_cities())
def test_page_cells_run_for_every_city(slug: str, monkeypatch) -> None:
    """Each city's edition executes these pages: their cells must work for any city file."""
    monkeypatch.setenv("DAAS_CITY", slug)
    cell = re.compile(r"```\{code-cell\} ipython3\n(?::tags:[^\n]*\n)?(.*?)```", re.S)
    for folder in MY_FOLDERS:
        for page in sorted((ROOT / folder).glob("*.md")):
            namespace: dict = {}
            for code in cell.findall(page.read_text()):
                exec(compile(code, str(page), "exec"), namespace)


def test_page_cells_run_for_a_city_without_beacon_or_community_data(city_tree: Path) -> None:
    text = (city_tree / "cities" / "port-mallory.yml").read_text()
    text = text.replace("slug: port-mallory", "slug: lake-aster").replace(
        "name: Port Mallory", "name: Lake Aster"
    )
    text = text[: text.index("beacon:")] + text[text.index("team:") :]
    text = re.sub(r"  (incidents|community_\w+):\n    path: .*\n    description: .*\n", "", text)
    (city_tree / "cities" / "lake-aster.yml").write_text(text)
    assert load_city("lake-aster").beacon is None
    os.environ["DAAS_CITY"] = "lake-aster"
    try:
        cell = re.compile(r"```\{code-cell\} ipython3\n(?::tags:[^\n]*\n)?(.*?)```", re.S)
        for folder in MY_FOLDERS:
            for page in sorted((ROOT / folder).glob("*.md")):
                namespace: dict = {}
                for code in cell.findall(page.read_text()):
                    exec(compile(code, str(page), "exec"), namespace)
    finally:
        del os.environ["DAAS_CITY"]
