"""Launch buttons of a city edition's workshop pages: the links, the city file's checks, and the
buttons on a page Sphinx builds with the kit's theme."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from daas.core.city import parse_city
from daas.core.errors import DaasError
from daas.site.launch import launch_links

PAGE = "workshops/exercises/02-quality"
GITHUB = {"repository_url": "https://github.com/city/kit", "binderhub_url": "https://mybinder.org"}


def test_the_hub_link_opens_the_participants_own_copy() -> None:
    links = launch_links({"jupyterhub_url": "https://hub.city.gov/"}, "port-mallory", PAGE)
    assert links == {
        "hub": "https://hub.city.gov/hub/user-redirect/lab/tree/exercises/02-quality.ipynb"
    }


@pytest.mark.parametrize(
    ("repository", "spelt"),
    [
        ("https://github.com/city/kit", "v2/gh/city/kit/main"),
        ("https://github.com/city/kit.git", "v2/gh/city/kit/main"),
        ("https://gitlab.com/city/kit", "v2/gl/city%2Fkit/main"),
        ("https://git.city.gov/kit", "v2/git/https%3A%2F%2Fgit.city.gov%2Fkit/main"),
    ],
)
def test_the_binder_link_opens_the_pack_built_in_the_image(repository: str, spelt: str) -> None:
    launch = {**GITHUB, "repository_url": repository}
    links = launch_links(launch, "port-mallory", PAGE)
    path = "lab%2Ftree%2F_build%2Fcities%2Fport-mallory%2Fexercises%2F02-quality.ipynb"
    assert links == {"binder": f"https://mybinder.org/{spelt}?urlpath={path}"}


def test_only_the_packs_notebooks_get_buttons() -> None:
    both = {**GITHUB, "jupyterhub_url": "https://hub.city.gov"}
    assert launch_links(both, "port-mallory", "book/beacon/resident") == {}
    assert set(launch_links(both, "port-mallory", PAGE)) == {"hub", "binder"}


def _city(launch: dict) -> dict:
    import yaml

    from daas.core.paths import cities_dir

    data = yaml.safe_load((cities_dir() / "port-mallory.yml").read_text(encoding="utf-8"))
    return {**data, "launch": launch}


@pytest.mark.parametrize(
    ("launch", "fix"),
    [
        ({"repository_url": "https://github.com/city/kit"}, "no jupyterhub_url"),
        ({"binderhub_url": "https://mybinder.org"}, "without the repository_url"),
        ({"jupyterhub_url": "http://hub.city.gov"}, "cities/README.md"),
    ],
)
def test_an_incomplete_launch_section_names_the_fix(launch: dict, fix: str) -> None:
    with pytest.raises(DaasError) as caught:
        parse_city(_city(launch), "cities/port-mallory.yml")
    text = str(caught.value)
    assert "cities/port-mallory.yml: launch" in text and fix in text, text


def test_a_hub_alone_is_enough() -> None:
    city = parse_city(_city({"jupyterhub_url": "https://hub.city.gov"}), "cities/port-mallory.yml")
    assert city.launch is not None and city.launch.jupyterhub_url == "https://hub.city.gov"


def _book(src: Path, launch: dict) -> Path:
    """A two-page book with the kit's theme and launch buttons: a pack notebook and a page."""
    nb = new_notebook(cells=[new_markdown_cell("# Quality"), new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    (src / "workshops" / "exercises").mkdir(parents=True)
    nbformat.write(nb, src / f"{PAGE}.ipynb")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nworkshops/exercises/02-quality\n```\n")
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'daas.site.launch']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "nb_execution_mode = 'off'\n"
        "language = 'es'\n"
        f"daas_launch = {launch!r}\n"
        "daas_launch_city = 'villa-ondina'\n"
    )
    out = src / "_build"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_a_built_notebook_page_shows_the_buttons(tmp_path: Path) -> None:
    launch = {**GITHUB, "jupyterhub_url": "https://hub.city.gov"}
    out = _book(tmp_path, launch)
    page = (out / f"{PAGE}.html").read_text(encoding="utf-8")
    links = launch_links(launch, "villa-ondina", PAGE)
    for label, url in links.items():
        assert f'href="{url.replace("&", "&amp;")}"' in page, label
    assert "Hub de la clase magistral" in page  # the city's language (Spanish)
    assert (out / "_static" / "images" / "logo_jupyterhub.svg").is_file()
    assert "user-redirect" not in (out / "index.html").read_text(encoding="utf-8")
