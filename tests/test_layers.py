"""The package's layers: content/ and store/ stay plain Python (no matplotlib, no widgets)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tutorial

PACKAGE = Path(tutorial.__file__).parent
LAYERS = ("content", "drawing", "widgets", "store", "site")


def _modules(layer: str) -> list[str]:
    return [f"tutorial.{layer}.{m.name}" for m in pkgutil.iter_modules([str(PACKAGE / layer)])]


def test_every_module_lives_in_a_layer():
    top = [m.name for m in pkgutil.iter_modules([str(PACKAGE)]) if not m.ispkg]
    assert top == [], f"modules outside a layer folder: {top}"
    packages = sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE)]) if m.ispkg)
    assert packages == sorted(LAYERS)


@pytest.mark.parametrize("layer", ["content", "store"])
def test_plain_layers_load_no_drawing_or_widgets(layer):
    modules = _modules(layer)
    assert modules, layer
    code = (
        "import json, sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "heavy = sorted(m for m in ('matplotlib', 'ipywidgets', 'anywidget') "
        "if m in sys.modules)\n"
        "print(json.dumps(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [], f"{layer}/ imports {out}"
