"""``python -m tutorial.site [--out site] [--notebooks notebooks] [--jobs N] [--lang zh-Hans]``:
build the site, in the language of ``--lang`` (default ``CALF_TUTORIAL_LANG``, else English)."""

from __future__ import annotations

import argparse
import sys

from ..content import i18n
from ..content.model import RoutineError
from .build import build_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutorial.site", description=__doc__)
    parser.add_argument("--out", default="site", help="the site folder to write (replaced)")
    parser.add_argument("--notebooks", default="notebooks", help="the lesson notebooks")
    parser.add_argument("--jobs", type=int, default=None, help="lessons executed at once")
    parser.add_argument(
        "--lang",
        default=None,
        help=f"the pages' language: {', '.join(i18n.LANGUAGES)} (default ${i18n.LANGUAGE_ENV})",
    )
    args = parser.parse_args(argv)
    try:
        if args.lang:
            i18n.set_language(args.lang)
        i18n.get_language()  # a bad CALF_TUTORIAL_LANG fails here, before any work
        report = build_site(args.out, args.notebooks, jobs=args.jobs)
    except RoutineError as err:
        print(f"site build failed: {err}", file=sys.stderr)
        return 1
    print(
        f"site: {len(report.pages)} pages, {report.files} files, "
        f"{report.bytes / 1e6:.1f} MB in {report.seconds['total']:.1f} s "
        f"(lessons executed in {report.seconds['execute']:.1f} s). "
        f"Open {report.out / 'index.html'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
