"""Plain-text helpers shared by the discovery and user-needs workshops: accents, words, stopwords.

Everything here is deterministic and works the same in English, Spanish and Portuguese.
"""

from __future__ import annotations

import re
import unicodedata

WORD_RE = re.compile(r"[a-z0-9]+")


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": _set(
        """a about after again all also am an and any are as at be because been before being but
        by can could did do does doing don down during each few for from get got had has have
        having he her here hers him his how i if in into is it its just like me more most my no
        nor not now of off on once only or other our out over own same she should so some such
        than that the their them then there these they this those through to too under until up
        very was we were what when where which while who whom why will with would you your
        really thing things lot lots one two every always never still even much many well way
        us let make made want wants need needs know"""
    ),
    "es": _set(
        """a al algo ante antes como con contra cual cuando de del desde donde durante e el ella
        ellas ellos en entre era es esa ese eso esta estaba estan este esto fue ha hay la las le
        les lo los mas me mi mis muy nada ni no nos o os otra otro para pero poco por porque que
        quien se ser si sin sobre son su sus tambien te tiene tengo todo todos tu un una uno unos
        y ya yo necesito quiero"""
    ),
    "pt": _set(
        """a ao aos as com como da das de do dos e ela elas ele eles em entre era essa esse isso
        esta este eu foi ha isso ja mais mas me meu minha muito na nao nas no nos o os ou para
        pela pelo por porque quando que quem se sem ser seu sua suas tem tambem te um uma uns
        voce preciso quero"""
    ),
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
