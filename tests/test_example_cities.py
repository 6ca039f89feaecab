"""The three example cities: each declares every dataset the workshops read, its data is in its
own language, and no file of one city names another city or its neighbourhoods."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from daas.core.city import City, load_city
from daas.core.errors import DaasError
from daas.core.paths import repo_root
from daas.core.text import STOPWORDS, WORD_RE, fold
from daas.discovery import capability
from daas.ethics.review import load_answers
from daas.needs import notes, stories
from daas.privacy.sample import housing_applications, person_records_for
from daas.standard.assess import evidence_path, read_evidence
from daas.standard.points import city_points

EXAMPLES = ["port-mallory", "villa-ondina", "vale-do-sereno"]
WORKSHOP_DATASETS = [
    "neighbourhoods",
    "staff_survey",
    "research_notes",
    "stories",
    "person_records",
]
# stopwords that belong to one language only: a cheap, deterministic language signal
ONLY = {
    lang: words - frozenset().union(*(w for other, w in STOPWORDS.items() if other != lang))
    for lang, words in STOPWORDS.items()
}


def language_of(texts: list[str]) -> str:
    """The language whose own stopwords occur most often in `texts`."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in WORD_RE.findall(fold(str(text))):
            counts.update(lang for lang, words in ONLY.items() if word in words)
    return counts.most_common(1)[0][0]


def names(city: City) -> set[str]:
    """The city's name and its neighbourhoods' names."""
    hoods = pd.read_csv(city.dataset_path("neighbourhoods"))["neighbourhood"]
    return {city.name, *hoods}


def city_files(city: City) -> list[Path]:
    """Every file holding the city's own data: its city file, datasets, ethics answers and
    standard evidence."""
    files = [repo_root() / "cities" / f"{city.slug}.yml", evidence_path(city.slug)]
    files += [city.dataset_path(k) for k in city.datasets]
    return files + ([repo_root() / city.ethics_answers] if city.ethics_answers else [])


@pytest.fixture(scope="module", params=EXAMPLES)
def city(request: pytest.FixtureRequest) -> City:
    return load_city(request.param)


def test_language_signal_is_sound() -> None:
    assert language_of(["The list of homes is out of date and the waitlist is closed"]) == "en"
    assert language_of(["La lista de viviendas está desactualizada y no hay cupo"]) == "es"
    assert language_of(["A lista de moradias está desatualizada e não há vagas"]) == "pt"


def test_every_example_city_declares_what_the_workshops_read(city: City) -> None:
    for key in WORKSHOP_DATASETS:
        declared = city.declared_key(key)  # or its former name (housing_applications)
        assert declared in city.datasets, f"{city.slug}: datasets.{key}"
        assert city.dataset_path(key).is_file(), city.datasets[declared].path
        assert city.datasets[declared].path.startswith(f"data/{city.slug}/")
    assert city.ethics_answers == f"cities/ethics/{city.slug}.yml"
    answers = load_answers(city)  # valid: every principle and action answered
    assert set(answers.team) <= {m.name for m in city.team}
    evidence = read_evidence(city, city_points(city))
    assert evidence["city"] == city.slug
    assert set(evidence["points"]) == {p.id for p in city_points(city)}


def test_survey_is_the_seeded_one_clean_and_in_the_city_language(city: City) -> None:
    expected = capability.sample_survey_for(city).to_csv(index=False, lineterminator="\n")
    assert city.dataset_path("staff_survey").read_text(encoding="utf-8") == expected
    survey = capability.survey_for(city)
    assert survey.respondents == 36 and survey.problems == []
    people = survey.people
    assert language_of([s for s in people["best_experience"] if s]) == city.language
    words = capability.sample_text(city.language, city.beacon_recipe())
    roles, departments = set(words["roles"]), set(words["departments"])
    assert set(people["role"]) <= roles and set(people["department"]) <= departments
    assert len(set(people["role"])) >= 4  # the role comparison has groups to compare


def test_survey_stories_name_only_the_city_own_neighbourhoods(city: City) -> None:
    text = " ".join(capability.survey_for(city).people["best_experience"])
    hoods = names(city) - {city.name}
    if city.language != "en":  # the Spanish and Portuguese stories mention a neighbourhood
        assert any(h in text for h in hoods)
    others = set().union(*(names(load_city(o)) for o in EXAMPLES if o != city.slug))
    assert [n for n in others if n in text] == []


def test_research_notes_are_clean_and_in_the_city_language(city: City) -> None:
    n = notes.notes_for(city)
    assert len(n.table) >= 20 and n.problems == []
    assert notes.participants_by_group(n)["participants"].sum() >= 8
    assert language_of(n.table["observation"].tolist()) == city.language
    assert language_of(n.table["user_group"].tolist() + n.table["observation"].tolist()) == (
        city.language
    )


def test_stories_are_complete_in_the_city_language_form(city: City) -> None:
    table, problems = stories.stories_for(city)
    assert problems == []
    checked = stories.check_table(table)  # the checker detects each story's language
    assert set(checked["language"]) == {city.language}
    assert checked["ok"].all(), checked.loc[~checked["ok"], ["id", "explanation"]]
    # acceptance criteria are recognised in the city's language too
    assert (checked["criteria"] >= 1).sum() >= len(checked) - 1


def test_person_records_are_the_seeded_ones_for_the_city_own_neighbourhoods(city: City) -> None:
    committed = pd.read_csv(city.dataset_path("person_records"), dtype=str, keep_default_na=False)
    if city.beacon_recipe() == "service-requests":  # its residents who asked
        seeded = people_tool().people()
    else:
        seeded = housing_applications(city).astype(str)
    pd.testing.assert_frame_equal(seeded, committed)
    df = person_records_for(city)  # what workshop 03 reads
    assert len(df) == 2000 and set(df["neighbourhood"]) <= names(city) - {city.name}


def people_tool():
    """tools/vale_do_sereno_people.py, which writes Vale do Sereno's person records."""
    spec = importlib.util.spec_from_file_location(
        "vale_do_sereno_people", repo_root() / "tools" / "vale_do_sereno_people.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_vale_do_sereno_records_are_its_residents_requests_with_contact_quirks() -> None:
    from daas.privacy.scan import scan_table

    city = load_city("vale-do-sereno")
    df = person_records_for(city)
    export = repo_root() / city.beacon.sources["requests"].path  # type: ignore[union-attr]
    protocols = pd.read_csv(export, sep=";", dtype=str, encoding="utf-8-sig")["Protocolo"]
    assert set(df["request_id"]) <= set(protocols)  # each row is one request of the export
    assert df["name"].nunique() < len(df)  # residents who asked more than once
    assert df["email"].isna().mean() > 0.4 and df["phone"].isna().any()
    found = {c.name: c.pii for c in scan_table(df).columns if c.pii}
    assert found == {"name": ["person_name"], "phone": ["id:br_cpf", "phone"], "email": ["email"]}


def test_ethics_and_evidence_are_in_the_city_language(city: City) -> None:
    a = load_answers(city)
    texts = [a.service, *(p.evidence for p in a.principles.values())]
    texts += [x.answer for x in a.actions.values()] + list(a.canvas.values())
    assert language_of(texts) == city.language
    evidence = read_evidence(city, city_points(city))
    assert language_of([p["evidence"] for p in evidence["points"].values()]) == city.language


@pytest.mark.parametrize("slug", EXAMPLES)
def test_no_file_of_a_city_names_another_city(slug: str) -> None:
    city = load_city(slug)
    others = set().union(*(names(load_city(o)) for o in EXAMPLES if o != slug)) - names(city)
    leaks = []
    for f in city_files(city):
        text = f.read_text(encoding="utf-8")
        leaks += [f"{f.relative_to(repo_root())}: {n}" for n in sorted(others) if n in text]
    assert leaks == []


def test_accented_names_survive_the_round_trip() -> None:
    vo, vs = load_city("villa-ondina"), load_city("vale-do-sereno")
    assert "Peñasco" in set(person_records_for(vo)["neighbourhood"])
    assert "Jardim das Acácias" in set(person_records_for(vs)["neighbourhood"])
    assert "Tecnologías de la Información" in set(capability.survey_for(vo).people["department"])


@pytest.mark.parametrize(
    ("read", "key"),
    [
        (capability.survey_for, "staff_survey"),
        (notes.notes_for, "research_notes"),
        (stories.stories_for, "stories"),
        (person_records_for, "person_records"),
    ],
)
def test_undeclared_dataset_names_the_city_file_and_field_never_falls_back(read, key) -> None:
    bare = load_city("villa-ondina").model_copy(update={"slug": "nueva-villa", "datasets": {}})
    with pytest.raises(DaasError) as exc:
        read(bare)
    p = exc.value.problems[0]
    assert (p.file, p.field) == ("cities/nueva-villa.yml", f"datasets.{key}")
    assert f"{key}: {{path: ..., description: ...}}" in p.fix
    assert exc.value.exit_code == 2


def test_sample_survey_refuses_an_unknown_language() -> None:
    with pytest.raises(ValueError, match="language must be one of"):
        capability.sample_survey(language="fr")


def test_former_key_housing_applications_is_read_as_person_records() -> None:
    pm = load_city("port-mallory")  # its city file still says housing_applications
    assert pm.declared_key("person_records") == "housing_applications"
    assert pm.dataset_path("person_records") == pm.dataset_path("housing_applications")
    vs = load_city("vale-do-sereno")
    assert vs.declared_key("person_records") == "person_records"
