"""Plain-text helpers shared by the discovery and user-needs workshops: accents, words, stopwords.

Everything here is deterministic and works the same in English, Spanish and Portuguese.
"""

from __future__ import annotations

import re
import unicodedata

from daas.core.vocabulary import vocabulary

WORD_RE = re.compile(r"[a-z0-9]+")


# words left out of counts, per language (`daas/core/data/stopwords.yml`)
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(text.split()) for lang, text in vocabulary("core/data/stopwords.yml").items()
}
ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())


def fold(text: str) -> str:
    """Lower-case `text` and drop accents: "Información" → "informacion"."""
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A very light stemmer: drops common plural endings so "reports" and "report" match."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Meaningful words of `text`: folded, stemmed, without stopwords (of all three languages,
    since notes often mix them), numbers or words shorter than three letters."""
    out = []
    for w in WORD_RE.findall(fold(text)):
        if len(w) < 3 or w in ALL_STOPWORDS or w.isdigit():
            continue
        out.append(stem(w))
    return out
