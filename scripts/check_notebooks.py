"""Fail if a lesson notebook carries outputs, execution counts or widget state.

Lessons are committed clean (see `make format`, which runs nbstripout) so that diffs show
only what a person wrote and no stale widget state ships to learners. The folder is searched
with its subfolders, so the lessons in other languages (``notebooks/zh``) are checked too.
"""

import json
import sys
from pathlib import Path


def problems(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    if "widgets" in nb.get("metadata", {}):
        found.append("widget state in the notebook metadata")
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("outputs"):
            found.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i} has an execution count")
    return found


def notebooks(folder: str) -> list[Path]:
    """Every notebook under ``folder``, its subfolders included (not Jupyter's checkpoints)."""
    return sorted(
        path for path in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts
    )


def main(folder: str) -> int:
    bad = 0
    for path in notebooks(folder):
        for problem in problems(path):
            print(f"{path}: {problem}; run `make format` to strip it")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "notebooks"))
