"""The site's commands: `daas book build`, `daas assets vendor|check` and `daas i18n` (the
translation catalogues of the book, the notebooks and the package)."""

from __future__ import annotations

import argparse
from pathlib import Path

from daas.core.city import EXAMPLE_CITIES
from daas.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    _register_book(sub)
    _register_assets(sub)
    _register_i18n(sub)


def _register_book(sub: argparse._SubParsersAction) -> None:
    book = sub.add_parser("book", help=_("build the toolkit website")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    b = book.add_parser("build", help=_("build the site into _build/html (strict, cached)"))
    b.add_argument(
        "--city",
        help=_("city slug, for every language (default: each language's example city)"),
    )
    b.add_argument("--all", action="store_true", help=_("rebuild every page"))
    b.add_argument(
        "--output", type=Path, help=_("folder to hold _build/ (default: the repository)")
    )
    b.add_argument(
        "--languages",
        default="",
        help=_("comma-separated, e.g. en,es,pt (default: the published languages)"),
    )
    # The pages read the city's outputs, never write them: `daas` computes them first and stops
    # if one failed (`city_outputs`, see `daas.cli`).
    b.set_defaults(func=_book_build, city_outputs="required", outputs_for=_book_cities)


def _book_languages(args: argparse.Namespace) -> tuple[str, ...] | None:
    return tuple(x.strip() for x in args.languages.split(",") if x.strip()) or None


def _book_cities(args: argparse.Namespace) -> list[str]:
    """The cities whose outputs the pages read: `--city`, or each language's example city."""
    from daas.core.i18n import PUBLISHED

    if args.city:
        return [args.city]
    langs = _book_languages(args) or PUBLISHED
    return list(dict.fromkeys(EXAMPLE_CITIES[x] for x in langs if x in EXAMPLE_CITIES))


def _book_build(args: argparse.Namespace) -> int:
    from daas.site import book

    langs = _book_languages(args)
    book.build_site(args.city, languages=langs, output_root=args.output, force_all=args.all)
    return 0


def _register_assets(sub: argparse._SubParsersAction) -> None:
    ast = sub.add_parser("assets", help=_("vendored JavaScript")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    ast.add_parser("vendor", help=_("re-vendor from npm at altair's versions")).set_defaults(
        func=_assets_vendor
    )
    ast.add_parser("check", help=_("check the vendored bundle matches altair")).set_defaults(
        func=_assets_check
    )


def _assets_vendor(args: argparse.Namespace) -> int:
    from daas.site import assets

    manifest = assets.vendor()
    packages = ", ".join(f"{k}@{v}" for k, v in manifest["packages"].items())
    print(_("vendored: {packages}").format(packages=packages))
    return 0


def _assets_check(args: argparse.Namespace) -> int:
    from daas.site import assets

    manifest = assets.check()
    print(
        _("vendored assets match altair {version} {preset}").format(
            version=manifest["altair"], preset=manifest["preset"]
        )
    )
    return 0


def _register_i18n(sub: argparse._SubParsersAction) -> None:
    i18n = sub.add_parser("i18n", help=_("translations (Spanish, Portuguese)")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    up = i18n.add_parser("update", help=_("bring the catalogues up to date with the English text"))
    up.add_argument("--language", help=_("one language (default: es and pt)"))
    up.set_defaults(func=_update)
    st = i18n.add_parser(
        "status",
        help=_(
            "translated / stale / untranslated per language; exit 1 if a published "
            "language is incomplete"
        ),
    )
    st.add_argument("--language", help=_("one language (default: es and pt)"))
    st.add_argument("--untranslated", action="store_true", help=_("list untranslated strings too"))
    st.set_defaults(func=_status)
    ck = i18n.add_parser(
        "check", help=_("every translation keeps the English's roles, code, placeholders and links")
    )
    ck.add_argument("--language", help=_("one language (default: es and pt)"))
    ck.set_defaults(func=_check)
    ex = i18n.add_parser("export", help=_("strings that need a translator, as a JSON file"))
    ex.add_argument("--language", required=True, help=_("es or pt"))
    ex.add_argument("--output", required=True, type=Path, help=_("the JSON file to write"))
    ex.add_argument(
        "--catalogue", default="", help=_("only catalogues starting with this, e.g. book/toolkit")
    )
    ex.add_argument(
        "--all", action="store_true", help=_("every string, translated ones too (for review)")
    )
    ex.set_defaults(func=_export)
    im = i18n.add_parser("import", help=_("put a translated JSON file back into the catalogues"))
    im.add_argument("--language", required=True, help=_("es or pt"))
    im.add_argument("file", type=Path, help=_("a file written by `daas i18n export`, translated"))
    im.set_defaults(func=_import)


def _languages(args: argparse.Namespace) -> tuple[str, ...] | None:
    from daas.core.errors import DaasError
    from daas.core.i18n import LANGUAGES, SOURCE_LANGUAGE, _

    if not args.language:
        return None
    if args.language not in LANGUAGES or args.language == SOURCE_LANGUAGE:
        raise DaasError.one(
            "--language",
            "",
            _("'{lang}' is not a translated language").format(lang=args.language),
            _("use es or pt"),
        )
    return (args.language,)


def _update(args: argparse.Namespace) -> int:
    from daas.core.i18n import _
    from daas.site import catalogues

    langs = _languages(args)
    book = catalogues.update_book(languages=langs) + catalogues.update_notebooks(languages=langs)
    pkg = catalogues.update_package(languages=langs)
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
    from daas.core import i18n
    from daas.core.i18n import _
    from daas.site import catalogues

    langs = _languages(args)
    book = catalogues.book_status(languages=langs)
    pkg = catalogues.package_status(languages=langs)
    nbs = catalogues.notebook_status(languages=langs)
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
                "remove the language from PUBLISHED in daas/core/i18n.py."
            ).format(langs=", ".join(failing))
        )
        return 1
    return 0


def _check(args: argparse.Namespace) -> int:
    from daas.core.i18n import _
    from daas.site.i18n_files import check

    problems = check(_languages(args) or ("es", "pt"))
    for p in problems:
        print(f"  - {p}")
    print(_("{n} translations lose or add markup.").format(n=len(problems)))
    return 1 if problems else 0


def _export(args: argparse.Namespace) -> int:
    from daas.core.i18n import _
    from daas.site.i18n_files import export, write_export

    (lang,) = _languages(args) or ("",)
    rows = export(lang, args.catalogue, args.all)
    write_export(rows, args.output)
    print(_("Wrote {n} strings to {path}.").format(n=len(rows), path=args.output))
    return 0


def _import(args: argparse.Namespace) -> int:
    from daas.core.i18n import _
    from daas.site.i18n_files import import_file

    (lang,) = _languages(args) or ("",)
    n = import_file(lang, args.file)
    print(_("Imported {n} translations into {lang}.").format(n=n, lang=lang))
    return 0
