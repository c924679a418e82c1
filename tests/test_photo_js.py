"""The browser's copy of the photo fit (tutorial/static/photo.js) against tutorial.content.photofit.

One case file, ``tests/cases/photo.json``: clicks on stand-in photos of every view and leg
(right, pending, and every refusal) with what :func:`tutorial.content.photofit.overlay`
makes of them.
pytest checks that the file is what Python computes today; Node runs photo.js on the same
cases and must agree. The in-browser site can run the same file against its copy.

Regenerate the file after a data change with ``python tests/test_photo_js.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases" / "photo.json"
STATIC = Path(__file__).resolve().parents[1] / "tutorial" / "static" / "photo.js"

NODE_RUNNER = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const fit = await import(pathToFileURL(process.argv[2]).href);
const data = JSON.parse(readFileSync(process.argv[3], "utf8"));
const out = data.cases.map((c) => fit.computeOverlay(data.rules[c.rules], c.landmarks, c.size));
console.log(JSON.stringify(out));
"""


def _round(landmarks: dict) -> dict:
    return {k: [round(float(u), 2), round(float(v), 2)] for k, (u, v) in landmarks.items()}


def build_cases() -> dict:
    """Every view and leg: right, pending and refused clicks, with Python's overlay."""
    from tutorial.content.model import VIEWS
    from tutorial.content.photofit import overlay, photo_rules
    from tutorial.drawing.photoimage import demo_leg_photo

    rules, cases = {}, []

    def add(view, side, size, landmarks, what):
        key = f"{view}/{side}"
        rules.setdefault(key, photo_rules(view, side))
        marks = _round(landmarks)
        cases.append(
            {
                "what": what,
                "rules": key,
                "size": list(size),
                "landmarks": marks,
                "expected": overlay(view, side, marks, tuple(size)),
            }
        )

    for view in VIEWS:
        for side in ("right", "left"):
            demo = demo_leg_photo(view, side=side, rotate_deg=17.0, scale=0.8, width_factor=1.2)
            marks, size = demo.landmarks, demo.size
            add(view, side, size, marks, "all four landmarks")
            add(view, side, size, {k: marks[k] for k in ("knee", "ankle")}, "knee and ankle")
            add(view, side, size, {"knee": marks["knee"]}, "knee only")
            if view == "lateral":
                ku, kv = marks["knee"]
                au, av = marks["ankle"]
                ea, eb = marks["edge_a"], marks["edge_b"]
                mid = ((ea[0] + eb[0]) / 2, (ea[1] + eb[1]) / 2)
                wide = {
                    "edge_a": (mid[0] + 3 * (ea[0] - mid[0]), mid[1] + 3 * (ea[1] - mid[1])),
                    "edge_b": (mid[0] + 3 * (eb[0] - mid[0]), mid[1] + 3 * (eb[1] - mid[1])),
                }
                du, dv = au - ku, av - kv
                for what, change in [
                    ("axis too short", {"ankle": (ku + 3, kv + 4)}),
                    ("ankle above the knee", {"ankle": (ku + 400, kv - 200)}),
                    ("knee and ankle swapped", {"knee": (au, av), "ankle": (ku, kv)}),
                    ("edges on one spot", {"edge_b": ea}),
                    ("edges on one side", {"edge_b": (ea[0] + 30, ea[1] + 5)}),
                    ("edges swapped", {"edge_a": eb, "edge_b": ea}),
                    (
                        "edges above the knee",
                        {
                            k: (marks[k][0] - du / 2, marks[k][1] - dv / 2)
                            for k in ("edge_a", "edge_b")
                        },
                    ),
                    (
                        "edges below the ankle",
                        {k: (marks[k][0] + du, marks[k][1] + dv) for k in ("edge_a", "edge_b")},
                    ),
                    ("impossible width", wide),
                ]:
                    add(view, side, (2000, 2000), {**marks, **change}, what)
    return {
        "about": (
            "Cases for the photo overlay's fit (tutorial.content.photofit.overlay; its browser "
            "copy in "
            "tutorial/static/photo.js computeOverlay). Python and JavaScript both run every "
            "case and must agree. Regenerate: python tests/test_photo_js.py"
        ),
        "rules": rules,
        "cases": cases,
    }


@pytest.fixture(scope="module")
def cases() -> dict:
    return json.loads(CASES.read_text(encoding="utf-8"))


def test_the_case_file_is_what_python_computes_today(cases):
    fresh = json.loads(json.dumps(build_cases()))
    assert fresh["rules"] == cases["rules"], "data changed: python tests/test_photo_js.py"
    assert [c["expected"] for c in fresh["cases"]] == [c["expected"] for c in cases["cases"]]
    keys = {c["expected"]["key"] for c in cases["cases"]}
    assert keys >= {
        "axis_short",
        "ankle_above",
        "swapped",
        "edges_same",
        "edges_one_side",
        "edges_wrong_side",
        "edges_above",
        "edges_below",
        "width",
    }


def test_photo_js_agrees_with_python_on_every_case(cases, tmp_path):
    import playwright

    node = Path(playwright.__file__).parent / "driver" / "node"
    module = tmp_path / "photo.mjs"
    module.write_text(STATIC.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "run.mjs").write_text(NODE_RUNNER)
    result = subprocess.run(
        [str(node), str(tmp_path / "run.mjs"), str(module), str(CASES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    got = json.loads(result.stdout)
    assert len(got) == len(cases["cases"])
    for case, js in zip(cases["cases"], got, strict=True):
        want = case["expected"]
        label = f"{case['rules']}: {case['what']}"
        for name in ("status", "key", "field", "message", "knee_at"):
            assert js[name] == want[name], (label, name)
        assert js["k"] == pytest.approx(want["k"], abs=1e-4), label
        assert js["cun_px"] == pytest.approx(want["cun_px"], abs=1e-4), label
        assert [p["code"] for p in js["points"]] == [p["code"] for p in want["points"]], label
        for a, b in zip(js["points"], want["points"], strict=True):
            assert (a["u"], a["v"]) == pytest.approx((b["u"], b["v"]), abs=0.006), label
        for a, b in zip(js["ruler"], want["ruler"], strict=True):
            assert a == pytest.approx(b, abs=0.006), label


if __name__ == "__main__":
    CASES.write_text(json.dumps(build_cases(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {CASES}", file=sys.stderr)
