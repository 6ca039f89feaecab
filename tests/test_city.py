"""City parameter files: loading, and every problem reported at once with field and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from daas.city import City, list_cities, load_city, load_city_file
from daas.cli import main
from daas.errors import DaasError


def test_example_city_loads(example_city: City) -> None:
    assert example_city.slug == "port-mallory"
    assert example_city.fictional
    assert example_city.privacy.min_cell_size == 10
    assert example_city.dataset_path("neighbourhoods").exists()


def test_every_city_file_is_valid() -> None:
    assert list_cities(), "cities/ has no city file"
    for slug in list_cities():
        assert load_city(slug).slug == slug


def _write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def test_malformed_city_reports_every_problem_at_once(tmp_path: Path, capsys) -> None:
    bad = _write(
        tmp_path,
        "bad-city.yml",
        (
            "slug: bad-city\n"
            "name: ''\n"
            "language: fr\n"
            "currency: dollars\n"
            "colour: blue\n"
            "privacy: {min_cell_size: 1}\n"
        ),
    )
    code = main(["city", "validate", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    for field in (
        "name",
        "language",
        "currency",
        "colour",
        "privacy.min_cell_size",
        "country",
        "priority_problem",
    ):
        assert f": {field}:" in err, f"{field} missing from:\n{err}"
    assert "7 problems found" in err
    assert "fix:" in err
    assert "Traceback" not in err


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = _write(tmp_path, "broken.yml", "slug: broken\nname: [unclosed\n")
    with pytest.raises(DaasError) as exc:
        load_city_file(bad)
    assert "line" in exc.value.problems[0].field
    assert "broken.yml" in str(exc.value)


def test_slug_must_match_file_name(tmp_path: Path, example_city: City) -> None:
    text = (Path(__file__).parent.parent / "cities" / "port-mallory.yml").read_text()
    other = _write(tmp_path, "elsewhere.yml", text)
    with pytest.raises(DaasError, match="rename the file"):
        load_city_file(other)


def test_hostile_slug_is_rejected_before_any_file_access() -> None:
    with pytest.raises(DaasError, match="not a city slug"):
        load_city("../../etc/passwd")


def test_dataset_paths_cannot_leave_the_repository(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "cities" / "port-mallory.yml").read_text()
    text = text.replace("data/port-mallory/neighbourhoods.csv", "../../secret.csv")
    bad = _write(tmp_path, "port-mallory.yml", text)
    with pytest.raises(DaasError) as exc:
        load_city_file(bad)
    assert exc.value.problems[0].field == "datasets.neighbourhoods.path"


def test_hostile_name_is_kept_as_plain_data(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "cities" / "port-mallory.yml").read_text()
    hostile = "Port \"Mallory\" <script>alert('x')</script>"
    text = text.replace("name: Port Mallory", f"name: '{hostile.replace(chr(39), chr(39) * 2)}'")
    city = load_city_file(_write(tmp_path, "port-mallory.yml", text))
    assert city.name == hostile


def test_undeclared_dataset_names_the_key(example_city: City) -> None:
    with pytest.raises(DaasError) as exc:
        example_city.dataset_path("listings")
    assert exc.value.problems[0].field == "datasets.listings"


def test_cli_lists_and_validates(capsys) -> None:
    assert main(["city", "list"]) == 0
    assert "port-mallory" in capsys.readouterr().out
    assert main(["city", "validate", "--city", "port-mallory"]) == 0
    assert main(["city", "validate", "--city", "no-such-city"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_city_new_writes_a_valid_file_and_never_overwrites(city_tree: Path, capsys) -> None:
    assert main(["city", "new", "puerto-azul", "--name", 'Puerto "Azul" <b>', "--language", "es",
                 "--country", "MX", "--currency", "MXN"]) == 0  # fmt: skip
    city = load_city("puerto-azul")
    assert city.name == 'Puerto "Azul" <b>' and city.language == "es"
    assert len(city.team) == 5
    assert main(["city", "new", "puerto-azul", "--name", "Other"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert load_city("puerto-azul").name == 'Puerto "Azul" <b>'


def test_city_new_rejects_bad_values_without_writing(city_tree: Path, capsys) -> None:
    assert main(["city", "new", "Bad Slug", "--name", "X"]) == 2
    assert main(["city", "new", "ok-slug", "--name", "X", "--language", "fr"]) == 2
    assert "language" in capsys.readouterr().err
    assert not (city_tree / "cities" / "ok-slug.yml").exists()


def test_launch_urls_must_be_https_without_markup(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "cities" / "port-mallory.yml").read_text()
    text += "launch:\n  repository_url: 'javascript:alert(1)'\n"
    with pytest.raises(DaasError) as exc:
        load_city_file(_write(tmp_path, "port-mallory.yml", text))
    assert exc.value.problems[0].field == "launch.repository_url"


def test_city_new_values_cannot_inject_fields(city_tree: Path) -> None:
    assert main(["city", "new", "safe-town", "--name", "Safe\nfictional: true",
                 "--country", "US\nlanguage: pt"]) == 0  # fmt: skip
    city = load_city("safe-town")
    assert city.name == "Safe\nfictional: true"
    assert city.fictional is False and city.language == "en"
