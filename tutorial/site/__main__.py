"""``python -m tutorial.site [--out site] [--notebooks notebooks] [--jobs N] [--lang zh-Hans]
[--all-languages]``: build the site, in the language of ``--lang`` (default
``CALF_TUTORIAL_LANG``, else English), or in every language (``site/`` in English and
``site/zh/`` in Chinese, each page linked to its counterpart)."""

from __future__ import annotations

import argparse
import sys

from ..content import i18n
from ..content.i18n import _, format_decimal, format_list
from ..content.model import RoutineError
from .build import BuildReport, build_site, build_sites


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tutorial.site", description=__doc__
    )  # i18n: ignore
    parser.add_argument("--out", default="site", help=_("the site folder to write (replaced)"))
    parser.add_argument("--notebooks", default="notebooks", help=_("the lesson notebooks"))
    parser.add_argument("--jobs", type=int, default=None, help=_("lessons executed at once"))
    parser.add_argument(
        "--lang",
        default=None,
        help=_("the pages' language: {languages} (default ${variable})").format(
            languages=format_list(i18n.LANGUAGES), variable=i18n.LANGUAGE_ENV
        ),
    )
    parser.add_argument(
        "--all-languages",
        action="store_true",
        help=_("build the pages in every language: {languages}, each in its own folder").format(
            languages=format_list(i18n.LANGUAGES)
        ),
    )
    args = parser.parse_args(argv)
    try:
        if args.lang:
            i18n.set_language(args.lang)
        i18n.get_language()  # a bad CALF_TUTORIAL_LANG fails here, before any work
        if args.all_languages:
            reports = build_sites(args.out, args.notebooks, jobs=args.jobs)
        else:
            reports = [build_site(args.out, args.notebooks, jobs=args.jobs)]
    except RoutineError as err:
        print(_("site build failed: {error}").format(error=err), file=sys.stderr)
        return 1
    for report in reports:
        _print_report(report)
    return 0


def _print_report(report: BuildReport) -> None:
    print(
        _(
            "site: {pages} pages, {files} files, {megabytes} MB in {seconds} s "
            "(lessons executed in {execute} s). Open {index}"
        ).format(
            pages=len(report.pages),
            files=report.files,
            megabytes=format_decimal(report.bytes / 1e6, 1),
            seconds=format_decimal(report.seconds["total"], 1),
            execute=format_decimal(report.seconds["execute"], 1),
            index=report.out / "index.html",
        )
    )


if __name__ == "__main__":
    sys.exit(main())
