"""`daas i18n update` and `daas i18n status`: the translation catalogues of the book and package."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    i18n = sub.add_parser("i18n", help="translations (Spanish, Portuguese)").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    up = i18n.add_parser("update", help="bring the catalogues up to date with the English text")
    up.add_argument("--language", help="one language (default: es and pt)")
    up.set_defaults(func=_update)
    st = i18n.add_parser(
        "status",
        help="translated / stale / untranslated per language; exit 1 if a published "
        "language is incomplete",
    )
    st.add_argument("--language", help="one language (default: es and pt)")
    st.add_argument("--untranslated", action="store_true", help="list untranslated strings too")
    st.set_defaults(func=_status)


def _languages(args: argparse.Namespace) -> tuple[str, ...] | None:
    from daas.errors import DaasError
    from daas.i18n import LANGUAGES, SOURCE_LANGUAGE

    if not args.language:
        return None
    if args.language not in LANGUAGES or args.language == SOURCE_LANGUAGE:
        raise DaasError.one(
            "--language", "", f"'{args.language}' is not a translated language", "use es or pt"
        )
    return (args.language,)


def _update(args: argparse.Namespace) -> int:
    from daas import i18n
    from daas.i18n import _

    langs = _languages(args)
    book = i18n.update_book(languages=langs) + i18n.update_notebooks(languages=langs)
    pkg = i18n.update_package(languages=langs)
    print(
        _("Updated {n} catalogues. Run `daas i18n status` to see what needs a translator.").format(
            n=len(book) + len(pkg)
        )
    )
    return 0


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _status(args: argparse.Namespace) -> int:
    from daas import i18n
    from daas.i18n import _

    langs = _languages(args)
    book, pkg = i18n.book_status(languages=langs), i18n.package_status(languages=langs)
    nbs = i18n.notebook_status(languages=langs)
    failing = []
    for lang, cov in book.items():
        p, n = pkg[lang], nbs[lang]
        published = lang in i18n.PUBLISHED
        print(
            _(
                "{lang} ({state}): book {done}/{total} strings ({pct:.1f}%), {stale} stale, "
                "{todo} untranslated, {old} obsolete; package {pdone}/{ptotal}; "
                "notebooks {ndone}/{ntotal}"
            ).format(
                ndone=n.translated,
                ntotal=n.total,
                lang=lang,
                state=_("published") if published else _("not published"),
                done=cov.translated,
                total=cov.total,
                pct=cov.percent,
                stale=len(cov.stale),
                todo=len(cov.untranslated),
                old=cov.obsolete,
                pdone=p.translated,
                ptotal=p.total,
            )
        )
        for name, msgid in cov.stale + p.stale + n.stale:
            print(f"  {_('stale')}: {name}: {_short(msgid)}")
        if args.untranslated:
            for name, msgid in cov.untranslated + p.untranslated + n.untranslated:
                print(f"  {_('untranslated')}: {name}: {_short(msgid)}")
        if published and not (cov.complete and p.complete):
            failing.append(lang)
    if failing:
        print(
            _(
                "Published languages with missing or stale strings: {langs}. Translate them, or "
                "remove the language from PUBLISHED in daas/i18n.py."
            ).format(langs=", ".join(failing))
        )
        return 1
    return 0
