"""City parameter files: loading, and every problem reported at once with field and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from daas.cli import main
from daas.core.city import City, list_cities, load_city, load_city_file
from daas.core.errors import DaasError


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


# ---------------------------------------------------------------- ready to run (issue 14, 12-14)


def _edit_city(tree: Path, slug: str, edit) -> Path:
    """Load cities/<slug>.yml as data, change it with `edit`, write it back."""
    import yaml

    path = tree / "cities" / f"{slug}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _validate(capsys, *argv: str) -> tuple[int, str]:
    code = main(["city", "validate", *argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def test_unknown_dataset_key_suggests_the_right_one(city_tree: Path, capsys) -> None:
    def edit(d: dict) -> None:
        d["datasets"]["neighborhoods"] = d["datasets"].pop("neighbourhoods")

    _edit_city(city_tree, "port-mallory", edit)
    code, out = _validate(capsys, "--city", "port-mallory")
    assert code == 1 and "not ready: cities/port-mallory.yml" in out
    assert "datasets.neighborhoods: 'neighborhoods' is not a dataset the workshops read" in out
    assert "did you mean 'neighbourhoods'?" in out


def test_missing_files_are_named_before_anything_runs(city_tree: Path, capsys) -> None:
    def edit(d: dict) -> None:
        d["datasets"]["stories"]["path"] = "data/port-mallory/no-such-stories.csv"
        d["beacon"]["sources"]["inventory"]["path"] = "data/port-mallory/beacon/gone.csv"

    _edit_city(city_tree, "port-mallory", edit)
    code, out = _validate(capsys, "--city", "port-mallory")
    assert code == 1
    assert "datasets.stories.path: data/port-mallory/no-such-stories.csv does not exist" in out
    assert "beacon.sources.inventory.path: data/port-mallory/beacon/gone.csv does not exist" in out


def test_beacon_mapping_is_checked_against_the_schema(city_tree: Path, capsys) -> None:
    def edit(d: dict) -> None:
        cols = d["beacon"]["sources"]["inventory"]["columns"]
        cols["unit"] = cols.pop("units")  # a typo: the schema field is `units`
        del cols["neighbourhood"]  # a required field left unmapped

    _edit_city(city_tree, "port-mallory", edit)
    code, out = _validate(capsys, "--city", "port-mallory")
    assert code == 1
    assert "beacon.sources.inventory.columns.unit: 'unit' is not a field of the inventory" in out
    assert "did you mean 'units'?" in out
    assert "required field(s) of the inventory schema not mapped: neighbourhood" in out


def test_untouched_template_is_not_ready(city_tree: Path, capsys) -> None:
    assert main(["city", "new", "puerto-azul", "--name", "Puerto Azul", "--language", "es",
                 "--country", "MX", "--currency", "MXN"]) == 0  # fmt: skip
    capsys.readouterr()
    code, out = _validate(capsys, "--city", "puerto-azul")
    assert code == 1
    assert "priority_problem" in out and "datasets" in out
    from daas.core.i18n import _

    # the lines are in the city's language (Spanish), like the rest of the output
    assert _("still the template's placeholder text", "es") in out
    assert (
        _("still the template's placeholder text", "es") != "still the template's placeholder text"
    )
    assert _("no datasets declared", "es") in out


def test_every_example_city_is_ready(capsys) -> None:
    code, out = _validate(capsys)
    assert code == 0 and "not ready" not in out


def test_symlink_out_of_the_repository_is_refused(
    city_tree: Path, tmp_path_factory, capsys
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.csv"
    outside.write_text("neighbourhood,population\nX,1\n", encoding="utf-8")
    link = city_tree / "data" / "port-mallory" / "innocent.csv"
    link.symlink_to(outside)

    def edit(d: dict) -> None:
        d["datasets"]["neighbourhoods"]["path"] = "data/port-mallory/innocent.csv"

    _edit_city(city_tree, "port-mallory", edit)
    with pytest.raises(DaasError) as exc:
        load_city("port-mallory")
    assert [p.field for p in exc.value.problems] == ["datasets.neighbourhoods.path"]
    assert "outside the repository" in str(exc.value)
    code, out = _validate(capsys, "--city", "port-mallory")
    assert code == 2 and "symbolic link" in out


def test_symlinked_folder_out_of_the_repository_is_refused(
    city_tree: Path, tmp_path_factory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "inventory.csv").write_text("x\n1\n", encoding="utf-8")
    (city_tree / "data" / "port-mallory" / "elsewhere").symlink_to(
        outside, target_is_directory=True
    )

    def edit(d: dict) -> None:
        d["beacon"]["sources"]["inventory"]["path"] = "data/port-mallory/elsewhere/inventory.csv"

    _edit_city(city_tree, "port-mallory", edit)
    with pytest.raises(DaasError) as exc:
        load_city("port-mallory")
    assert exc.value.problems[0].field == "beacon.sources.inventory.path"


def test_a_symlink_inside_the_repository_is_fine(city_tree: Path) -> None:
    real = city_tree / "data" / "port-mallory" / "neighbourhoods.csv"
    (city_tree / "data" / "port-mallory" / "hoods.csv").symlink_to(real)

    def edit(d: dict) -> None:
        d["datasets"]["neighbourhoods"]["path"] = "data/port-mallory/hoods.csv"

    _edit_city(city_tree, "port-mallory", edit)
    assert load_city("port-mallory").dataset_path("neighbourhoods").read_text() == real.read_text()


HOSTILE_FILES = {
    "a-list.yml": "- slug: a-list\n- name: x\n",
    "python-tag.yml": "slug: !!python/object/apply:os.system ['echo pwned']\n",
    "binary.yml": "\x00\x01\x02slug: x\n",
    "anchors.yml": "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
    "deep.yml": "slug: deep\nname: " + "[" * 200 + "]" * 200 + "\n",
    "wrong-types.yml": "slug: 7\nname: {a: 1}\ncountry: []\npriority_problem: 3\ndatasets: [1]\n",
    "paths.yml": (
        "slug: paths\nname: P\ncountry: US\npriority_problem: p\n"
        "datasets: {neighbourhoods: {path: /etc/passwd, description: d}}\n"
        "ethics_answers: ../x.yml\n"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_city_files_are_refused_without_a_traceback(
    tmp_path: Path, capsys, name: str
) -> None:
    path = _write(tmp_path, name, HOSTILE_FILES[name])
    code, out = _validate(capsys, str(path))
    assert code == 2 and name in out and "fix:" in out
    assert "pwned" not in out


def test_public_declarations_are_checked_in_the_city_language(city_tree: Path, capsys) -> None:
    def edit(d: dict) -> None:
        public = d["beacon"]["sources"]["inventory"]["public"]
        public["bedroom_text"] = {"kind": "building-name", "reason": "una errata"}
        public["latitude"]["kind"] = "building-locaton"
        public["longitude"]["reason"] = "  "

    _edit_city(city_tree, "villa-ondina", edit)  # a Spanish city
    code, out = _validate(capsys, "--city", "villa-ondina")
    assert code == 1 and "cities/villa-ondina.yml" in out
    from daas.core.i18n import _

    where = "beacon.sources.inventory.public"
    expected = {
        f"{where}.bedroom_text": _(
            "'{field}' is declared public but not mapped under columns", "es"
        ).format(field="bedroom_text"),
        f"{where}.latitude.kind": _("'{kind}' is not a kind of public column", "es").format(
            kind="building-locaton"
        ),
        f"{where}.longitude.reason": _(
            "no reason given for declaring '{field}' public", "es"
        ).format(field="longitude"),
    }
    for field, message in expected.items():
        assert f"{field}: {message}" in out
    assert _("did you mean '{key}'? ", "es").format(key="building-location") in out
    english = "no reason given for declaring 'longitude' public"
    assert english not in out and english != expected[f"{where}.longitude.reason"]
