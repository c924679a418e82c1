"""Write the shared case files for the rules the static site runs in JavaScript.

Every expected output is computed here by the package's Python code; the site's
JavaScript (``tutorial/site/static/rules.js``) must give the same answers, checked by
``tests/js/site_rules.test.mjs`` under ``node --test``, and pytest checks that the files
still match what Python says (``tests/test_site.py``). Run it again when the rules or their
settings change (``quiz.toml`` bands or intervals, the timer's state machine)::

    python scripts/make_site_cases.py

Files: ``tests/cases/practice.json`` (scoring a click, Leitner boxes, the next point),
``tests/cases/timer_history.json`` (planned against actual time from the timer's messages)
and ``tests/cases/photo_site.json`` (the photo overlay's file checks, the downscale size
and scoring a click on a photo, ``site/static/photo-site.js``).
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"


class _AllChoices:
    """A stand-in for ``random.Random`` whose ``choice`` returns every candidate."""

    def choice(self, seq):
        return list(seq)


def practice_cases(seed: int = 9) -> dict[str, Any]:
    """Scoring, Leitner and next-point cases, all answered by tutorial.content.practice."""
    from tutorial.content.model import VIEWS
    from tutorial.content.practice import Answer, Progress, load_quiz_settings, score_click
    from tutorial.site.export import view_transform
    from tutorial.widgets.quiz import _ViewPicture, data_to_fraction, fraction_to_data

    rng = random.Random(seed)
    settings = load_quiz_settings()
    views: dict[str, Any] = {}
    scores = []
    from tutorial.content.geometry import project

    for view in VIEWS:
        picture = _ViewPicture(view, side="right", figsize=settings.figsize, dpi=settings.dpi)
        picture.fig.canvas.draw()
        truth = {}
        from tutorial.content.loader import load_points

        for code in load_points():
            xy = project(code, view, side="right")
            if xy is not None:
                truth[code] = [float(xy[0]), float(xy[1])]
        views[view] = {"view": view, **view_transform(picture.ax), "truth": truth}
        for code, (tx, ty) in truth.items():
            # on both sides of each band, 1e-6 cun away: the two languages' transforms agree
            # to about 1e-15 cun, so only a click exactly on a band could differ
            distances = [0.0, 0.2, 1.0, 1.4, 3.0]
            for band in (settings.right_cun, settings.close_cun):
                distances += [band - 1e-6, band + 1e-6]
            for distance in distances:
                angle = rng.uniform(0, 2 * math.pi)
                fx, fy = data_to_fraction(
                    picture.ax, tx + distance * math.cos(angle), ty + distance * math.sin(angle)
                )
                x, y = fraction_to_data(picture.ax, fx, fy)
                score = score_click(code, view, x, y)
                scores.append(
                    {
                        "view": view,
                        "code": code,
                        "fx": fx,
                        "fy": fy,
                        "x": x,
                        "y": y,
                        "distance_cun": score.distance_cun,
                        "verdict": score.verdict,
                    }
                )
    codes = ["ST35", "BL40", "GB34", "ST36", "ST38", "BL57", "BL60", "KI3"]
    verdicts = ["right", "close", "missed"]
    sequences = []
    picks = []
    for _ in range(12):
        progress = Progress(None)
        steps = []
        for _ in range(rng.randint(5, 40)):
            code = rng.choice(codes)
            verdict = rng.choice(verdicts)
            progress.record(code, Answer("locate", verdict))
            steps.append(
                {
                    "code": code,
                    "verdict": verdict,
                    "box": progress.box(code),
                    "due": progress.due(code),
                    "turn": progress.turn,
                }
            )
            if rng.random() < 0.5:
                pool = rng.sample(codes, rng.randint(1, len(codes)))
                avoid = rng.choice([None, *pool])
                picks.append(
                    {
                        "answers": [{"code": s["code"], "verdict": s["verdict"]} for s in steps],
                        "codes": pool,
                        "avoid": avoid,
                        "candidates": progress.pick(pool, _AllChoices(), avoid=avoid),
                    }
                )
        sequences.append(steps)
    return {
        "about": (
            "Cases for find-the-point practice, made by scripts/make_site_cases.py from "
            "tutorial.content.practice and tutorial.widgets.quiz. pytest and the site's JavaScript "
            "(tests/js/site_rules.test.mjs) both run every case and must agree."
        ),
        "settings": {
            "right_cun": settings.right_cun,
            "close_cun": settings.close_cun,
            "intervals": list(settings.intervals),
        },
        "views": views,
        "scores": scores,
        "leitner": sequences,
        "picks": picks,
    }


_ACTIONS = ["start", "pause", "resume", "next", "back", "restart", "reset", "jump"]
_METHODS = {"restart": "restart_step"}


def _plan(rng: random.Random):
    from tutorial.content.timing import Plan, Segment

    n = rng.randint(2, 6)
    segments = []
    start = 0.0
    for i in range(n):
        kind = "switch" if 0 < i < n - 1 and rng.random() < 0.2 else "step"
        seconds = float(rng.choice([1, 2, 2.5, 3, 5, 10]))
        leg = "right" if i < n / 2 else "left"
        segments.append(Segment(i, kind, i, f"s{i}", f"Step {i}", leg, seconds, start))
        start += seconds
    return Plan(tuple(segments), (), "both", 0.0)


def timer_history_cases(seed: int = 11, count: int = 60) -> dict[str, Any]:
    """Random sessions: the messages timer.js sends, and TimerMachine's history of them."""
    from tutorial.content.timing import TimerMachine

    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        plan = _plan(rng)
        machine = TimerMachine(plan, clock=lambda: 0.0)
        t = rng.uniform(0, 100)
        events = []
        for _ in range(rng.randint(3, 25)):
            t += rng.choice([0.0, 0.1, 0.5, 1.0, 2.0, 4.0, rng.uniform(0, 8)])
            roll = rng.random()
            if roll < 0.15 and machine.status == "running":
                # the browser reports the deadline it saw, exactly at the deadline
                deadline = machine.deadline()
                t = max(t, deadline)
                event = {"type": "step", "from": machine.index, "t": deadline}
                if machine.index == event["from"]:
                    machine.complete(deadline)
                else:
                    machine.tick(deadline)
            elif roll < 0.25:
                event = {"type": "tick", "t": t}
                machine.tick(t)
            else:
                name = rng.choice(_ACTIONS)
                event = {"type": "action", "action": name, "t": t}
                if name == "jump":
                    index = rng.randint(-1, len(plan))
                    event["index"] = index
                    if 0 <= index < len(plan):
                        machine.jump(index, t)
                else:
                    getattr(machine, _METHODS.get(name, name))(t)
            events.append(event)
        t += rng.uniform(0, 30)
        events.append({"type": "tick", "t": t})
        machine.tick(t)
        cases.append(
            {
                "segments": [
                    {"id": s.step_id, "leg": s.leg, "kind": s.kind, "planned": s.planned_seconds}
                    for s in plan
                ],
                "events": events,
                "history": [
                    {
                        "segment": r.segment,
                        "step_id": r.step_id,
                        "leg": r.leg,
                        "planned": r.planned_seconds,
                        "actual": r.actual_seconds,
                        "paused": r.paused_seconds,
                        "outcome": r.outcome,
                    }
                    for r in machine.history
                ],
                "status": machine.status,
                "index": machine.index,
            }
        )
    return {
        "about": (
            "Sessions of the step timer as the messages timer.js sends (actions and the "
            "deadlines it saw, times in seconds), with the history tutorial.content.timing."
            "TimerMachine records from them. The site's recorder (rules.js makeRecorder, "
            "using timer.js's own rules) must record the same. Made by "
            "scripts/make_site_cases.py."
        ),
        "cases": cases,
    }


#: Sizes for the downscale rule: both orientations, square, on and around the limit, odd
#: ratios where rounding up or down matters, panoramas.
DOWNSCALE_SIZES = (
    (4000, 3000),
    (3000, 4000),
    (4032, 3024),
    (3024, 4032),
    (2048, 2048),
    (2049, 2049),
    (2049, 2048),
    (640, 480),
    (12000, 9000),
    (5001, 3333),
    (3333, 5001),
    (8191, 5461),
    (2500, 2501),
    (6000, 1000),
    (1000, 6000),
    (7000, 3),
    (3, 7000),
    (4096, 2731),
)


def _image_file(size, fmt="PNG", mode="RGB", **save) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode == "RGB" else 0).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of ``width`` x ``height`` (all black): tiny on disk, huge decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def photo_site_cases() -> dict[str, Any]:
    """The photo overlay's file rules (tutorial.drawing.photoimage.read_photo), the downscale
    size (tutorial.content.photofit.downscaled_size) and scoring a click on a photo
    (score_photo_click), with the settings the site exports (tutorial.site.export.photo_data)."""
    import base64

    from tutorial.content.model import RoutineError
    from tutorial.content.photofit import (
        downscaled_size,
        fit_frame,
        photo_rules,
        photo_template,
        score_photo_click,
    )
    from tutorial.drawing.photoimage import demo_leg_photo, read_photo
    from tutorial.site.export import photo_data

    exported = photo_data()
    limits = exported["limits"]
    side = limits["max_side_px"]
    jpeg = _image_file((600, 900), "JPEG", quality=80)
    files: list[tuple[str, str, bytes | int]] = [
        ("a JPEG photo", "leg.jpg", jpeg),
        ("a big JPEG, shrunk", "big.jpg", _image_file((4000, 3000), "JPEG", quality=30)),
        ("a PNG", "leg.png", _image_file((300, 400))),
        ("a lossy WebP", "leg.webp", _image_file((500, 700), "WEBP", quality=50)),
        ("a lossless WebP", "flat.webp", _image_file((640, 480), "WEBP", lossless=True)),
        ("a WebP with alpha", "alpha.webp", _image_file((410, 330), "WEBP", mode="RGBA")),
        ("a GIF", "leg.gif", _image_file((400, 300), "GIF", mode="L")),
        ("a BMP", "leg.bmp", _image_file((300, 300), "BMP")),
        ("an empty file", "empty.jpg", b""),
        ("just over the size limit", "huge.jpg", limits["max_bytes"] + 1),
        ("far over the size limit", "video.jpg", 25_300_000),
        ("a text file", "notes.txt", b"Not a photo at all.\n" * 20),
        ("a PDF", "handout.pdf", b"%PDF-1.4\n" + b"0" * 300),
        ("a HEIC photo", "IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 200),
        ("a cut-off JPEG", "cut.jpg", _image_file((800, 1000), "JPEG", quality=90)[:3000]),
        ("a decompression bomb (64.5 Mpx)", "bomb.png", _png_claiming(8600, 7500)),
        ("a decompression bomb (400 Mpx)", "bomb400.png", _png_claiming(20000, 20000)),
        ("a tiny picture", "icon.png", _image_file((150, 150))),
        ("a thin panorama, too thin once shrunk", "pano.png", _image_file((6000, 500))),
    ]
    file_cases = []
    for what, name, content in files:
        data = b"\0" * content if isinstance(content, int) else content
        try:
            photo = read_photo(data, name)
        except RoutineError as err:
            key = err.key
            message = str(err.reason)
            if key == "heic":  # the browser's own advice (no Pillow, no kernel to restart)
                message = exported["messages"]["heic"].format(name=name)
            expected = {"key": key, "message": message}
        else:
            expected = {"key": "ok", "size": list(photo.size)}
        file_cases.append(
            {
                "what": what,
                "name": name,
                "size": len(data),
                "head": base64.b64encode(data[:4096]).decode("ascii"),
                "decodes": expected["key"] not in ("heic", "truncated"),
                "expected": expected,
            }
        )
    scores = []
    rules = {}
    for view, leg in (("lateral", "right"), ("anterior", "left"), ("medial", "right")):
        demo = demo_leg_photo(view, side=leg, rotate_deg=-11.0, scale=0.9, width_factor=1.1)
        key = f"{view}/{leg}"
        rules[key] = photo_rules(view, leg)
        marks = {k: [round(u, 2), round(v, 2)] for k, (u, v) in demo.landmarks.items()}
        template = photo_template(view, leg)
        frame = fit_frame(template, marks, demo.size)
        for code, (u, v) in sorted(demo.points.items()):
            for du, dv in ((3.0, -2.0), (25.0, 31.0), (-70.0, 4.0)):
                click = [round(u + du, 3), round(v + dv, 3)]
                distance, true = score_photo_click(frame, template, code, *click)
                scores.append(
                    {
                        "rules": key,
                        "size": list(demo.size),
                        "landmarks": marks,
                        "code": code,
                        "click": click,
                        "distance": distance,
                        "true": list(true),
                    }
                )
    return {
        "about": (
            "The photo overlay in the static site (tutorial/site/static/photo-site.js) against "
            "the package: read_photo's refusals and shrunk size per file, downscaled_size, "
            "score_photo_click. Regenerate: python scripts/make_site_cases.py"
        ),
        "settings": {key: exported[key] for key in ("limits", "messages", "heif_brands")},
        "downscale": [
            {"size": [w, h], "expected": list(downscaled_size(w, h, side))}
            for w, h in DOWNSCALE_SIZES
        ],
        "files": file_cases,
        "rules": rules,
        "scores": scores,
    }


def write_cases(folder: Path = CASES) -> list[Path]:
    """Write the case files into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (
        ("practice.json", practice_cases()),
        ("timer_history.json", timer_history_cases()),
        ("photo_site.json", photo_site_cases()),
    ):
        path = folder / name
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for path in write_cases():
        print(f"wrote {path.relative_to(ROOT)}")
