"""No English on the Spanish and Portuguese sites. The visible text of every page of those
languages (outside code, and outside parts marked as another language, such as the title of an
English source with `lang="en"`) is read sentence by sentence; a sentence a language identifier
(py3langid, restricted to English, Spanish and Portuguese) reads as English, with high
confidence, is reported with its page. Proper names (cities, neighbourhoods, the names in
`tests/data/site_english_names.txt`) are taken out first.

The English still on those pages is listed, page by page, in `tests/data/site_english_known.tsv`:
a ratchet. A sentence not on that list fails the test, and so does a listed one that is gone
(remove its line), so the list only shrinks as pages are translated (issue 17).
Re-write the list after translating: `python -m tests.test_site_english --write`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from daas.core.paths import repo_root
from tests.site_pages import ensure_built_site, expected_pages, site_languages

DATA = Path(__file__).parent / "data"
KNOWN = DATA / "site_english_known.tsv"
NAMES = DATA / "site_english_names.txt"
TRANSLATED = ("es", "pt")
CONFIDENCE = 0.9  # the identifier's probability that a sentence is English
MIN_WORDS = 4  # shorter fragments (labels, names) are too short to tell apart
SKIPPED = ["pre", "code", "script", "style", "svg", "math", "kbd", "samp"]
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")
URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.-]+\.(?:org|com|gov|uk|io|net)(?:/\S*)?")
WORD = re.compile(r"[^\W\d_]{2,}")


@cache
def _identifier():  # py3langid has no types
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(["en", "es", "pt"])
    return ident


@cache
def proper_names() -> tuple[str, ...]:
    """Every city's and neighbourhood's name, and the names listed in NAMES; longest first."""
    names = {ln.strip() for ln in NAMES.read_text(encoding="utf-8").splitlines()}
    for path in sorted((repo_root() / "cities").glob("*.yml")):
        city = yaml.safe_load(path.read_text(encoding="utf-8"))
        names.add(city["name"])
        hoods = city.get("datasets", {}).get("neighbourhoods", {}).get("path")
        if hoods and (repo_root() / hoods).exists():
            names.update(pd.read_csv(repo_root() / hoods)["neighbourhood"].astype(str))
    return tuple(sorted((n for n in names if n and not n.startswith("#")), key=len, reverse=True))


def visible_sentences(html: str, lang: str) -> Iterator[str]:
    """The page's visible sentences in its own language: what cells print counts, code does
    not, nor a part marked with another language, nor URLs."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.select(".cell_input, .headerlink"):
        tag.decompose()
    for tag in soup.select("div[class*='highlight-']"):  # a code block, not a cell's output
        if "output" not in (tag.get("class") or []):
            tag.decompose()
    for tag in soup(SKIPPED):  # a cell's printed output is text; code inside it is code
        if tag.name != "pre" or not tag.find_parent(class_="output"):
            tag.decompose()
    for tag in soup.find_all(lang=True):
        if isinstance(tag, Tag) and tag.name != "html" and not str(tag["lang"]).startswith(lang):
            tag.decompose()
    for line in soup.get_text("\n").splitlines():
        for sentence in SENTENCE_END.split(URL.sub(" ", line.strip())):
            if sentence:
                yield " ".join(sentence.split())


def is_english(sentence: str) -> bool:
    text = sentence
    for name in proper_names():
        text = text.replace(name, " ")
    if len(WORD.findall(text)) < MIN_WORDS:
        return False
    found, probability = _identifier().classify(text)
    return found == "en" and probability >= CONFIDENCE


def english_on_pages(site: Path) -> set[tuple[str, str, str]]:
    """(language, page, sentence) for every English sentence on a translated page."""
    found = set()
    for lang in (lang for lang in site_languages() if lang in TRANSLATED):
        for page in expected_pages():
            path = site / lang / page
            if not path.exists():
                continue
            for sentence in visible_sentences(path.read_text(encoding="utf-8"), lang):
                if is_english(sentence):
                    found.add((lang, page, sentence))
    return found


def read_known() -> set[tuple[str, str, str]]:
    rows = KNOWN.read_text(encoding="utf-8").splitlines()
    return {tuple(r.split("\t", 2)) for r in rows if r and not r.startswith("#")}  # type: ignore[misc]


def write_known(found: set[tuple[str, str, str]]) -> None:
    header = "# language\tpage\tsentence: English on a translated page (test_site_english.py)\n"
    KNOWN.write_text(header + "".join("\t".join(r) + "\n" for r in sorted(found)), encoding="utf-8")


def test_the_identifier_tells_the_three_languages_apart() -> None:
    assert is_english("We checked 1,672 rows from 3 sources against six quality dimensions.")
    assert not is_english("Revisamos 1.672 filas de 3 fuentes según seis dimensiones de calidad.")
    assert not is_english("Verificamos 1.672 linhas de 3 fontes em seis dimensões de qualidade.")
    assert not is_english("Port Mallory at a glance")  # too short once the name is out


def test_marked_parts_and_code_are_not_read() -> None:
    html = (
        '<html lang="es"><body><p>Lea la guía <span lang="en">How service assessments work '
        'in the public sector</span>.</p><pre>print("this is code, written in English")</pre>'
        "<p>See https://www.gov.uk/service-manual/service-standard for the whole text here.</p>"
        '<div class="cell_output"><div class="output stream highlight-myst-ansi"><div '
        'class="highlight"><pre>We checked the rows from three sources.</pre></div></div></div>'
        "</body></html>"
    )
    sentences = list(visible_sentences(html, "es"))
    assert not any("assessments" in s or "code" in s for s in sentences)
    english = [s for s in sentences if is_english(s)]
    assert english == ["See for the whole text here.", "We checked the rows from three sources."]


def test_no_new_english_on_spanish_and_portuguese_pages() -> None:
    site = ensure_built_site()
    if not set(TRANSLATED) & set(site_languages()):
        pytest.fail(f"{site} holds no Spanish or Portuguese site: build it with `make book`")
    found, known = english_on_pages(site), read_known()
    new = sorted(found - known)
    gone = sorted(known - found)
    assert not new, "English on a translated page (translate it, or mark a quoted title with "
    "lang):\n" + "\n".join(f"{lang}/{page}: {s!r}" for lang, page, s in new[:40])
    assert not gone, f"translated now: remove these lines from {KNOWN.name}:\n" + "\n".join(
        "\t".join(r) for r in gone[:40]
    )


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    write_known(english_on_pages(ensure_built_site()))
