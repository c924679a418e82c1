"""``python -m tutorial.site [--out site] [--notebooks notebooks] [--jobs N]``: build the site."""

from __future__ import annotations

import argparse
import sys

from ..content.model import RoutineError
from .build import build_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutorial.site", description=__doc__)
    parser.add_argument("--out", default="site", help="the site folder to write (replaced)")
    parser.add_argument("--notebooks", default="notebooks", help="the lesson notebooks")
    parser.add_argument("--jobs", type=int, default=None, help="lessons executed at once")
    args = parser.parse_args(argv)
    try:
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
