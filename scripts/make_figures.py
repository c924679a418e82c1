"""Regenerate the images in docs/ (the README's overview diagram).

Usage: ``python scripts/make_figures.py`` (or ``make figures``).
"""

from __future__ import annotations

from pathlib import Path

from tutorial.drawing.legs import draw_routine_overview

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    fig = draw_routine_overview(side="right", hanzi=True)
    out = DOCS / "overview.png"
    # Fixed metadata keeps the file byte-identical between runs (no matplotlib version/date).
    fig.savefig(out, dpi=120, metadata={"Software": None}, pil_kwargs={"optimize": True})
    print(f"wrote {out.relative_to(DOCS.parent)} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
