"""The picture cache: drawn once, kept in memory and on disk, per language and package state."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading

import pytest

import tutorial
from tutorial.content import i18n
from tutorial.store import pictures


def _png(colour: int = 0) -> bytes:
    """A tiny valid PNG (1x1 pixel) whose pixel value is ``colour``."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (1, 1), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(pictures.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(pictures, "_pruned", False)
    pictures.clear_memory()
    yield tmp_path / "cache"
    pictures.clear_memory()
    i18n.set_language("en")


class Renderer:
    def __init__(self, colour: int = 0) -> None:
        self.calls = 0
        self.colour = colour

    def __call__(self) -> bytes:
        self.calls += 1
        return _png(self.colour)


def test_a_miss_draws_and_writes_the_file_a_hit_reads_it(cache):
    render = Renderer()
    first = pictures.cached_png("overview", ("right",), render)
    path = pictures.picture_path("overview", ("right",))
    assert render.calls == 1
    assert path.is_file()
    assert path.read_bytes() == first
    assert path.parent.name == "en"
    assert path.parent.parent.name == pictures.content_hash()
    assert pictures.cached_png("overview", ("right",), render) == first  # memory
    pictures.clear_memory()  # as another kernel: only the disk is shared
    assert pictures.cached_png("overview", ("right",), render) == first
    assert render.calls == 1
    assert not list(path.parent.glob("*.tmp"))  # written atomically, nothing left over


def test_other_arguments_are_another_picture(cache):
    render = Renderer()
    pictures.cached_png("overview", ("right",), render)
    pictures.cached_png("overview", ("left",), render)
    pictures.cached_png("step", ("right",), render)
    assert render.calls == 3


def test_pictures_are_kept_per_language(cache):
    english, chinese = Renderer(10), Renderer(200)
    a = pictures.cached_png("overview", (), english)
    i18n.set_language("zh-Hans")
    b = pictures.cached_png("overview", (), chinese)
    assert chinese.calls == 1
    assert a != b
    assert pictures.picture_path("overview", ()).parent.name == "zh-Hans"
    i18n.set_language("en")
    assert pictures.cached_png("overview", (), english) == a
    assert english.calls == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a write cut short
        lambda data: data[:20] + bytes([data[20] ^ 0xFF]) + data[21:],  # a flipped byte
        lambda data: b"",  # empty
        lambda data: b"not a picture at all",
    ],
    ids=["truncated", "flipped-byte", "empty", "garbage"],
)
def test_a_corrupt_cache_file_is_drawn_again_and_replaced(cache, damage):
    render = Renderer()
    good = pictures.cached_png("overview", (), render)
    path = pictures.picture_path("overview", ())
    path.write_bytes(damage(good))
    pictures.clear_memory()
    assert pictures.cached_png("overview", (), render) == good
    assert render.calls == 2
    assert path.read_bytes() == good


def test_a_render_that_gives_no_png_is_an_error_and_nothing_is_written(cache):
    with pytest.raises(ValueError, match="overview"):
        pictures.cached_png("overview", (), lambda: b"<svg/>")
    assert not pictures.picture_path("overview", ()).exists()


def test_an_unwritable_cache_still_draws_and_keeps_the_picture_in_memory(cache, monkeypatch):
    blocker = cache.parent / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(pictures.CACHE_ENV, str(blocker / "cache"))  # cannot be a folder
    render = Renderer()
    assert pictures.cached_png("overview", (), render) == _png()
    assert pictures.cached_png("overview", (), render) == _png()
    assert render.calls == 1


def test_the_disk_cache_can_be_turned_off(cache, monkeypatch):
    monkeypatch.setenv(pictures.CACHE_ENV, "off")
    assert pictures.cache_dir() is None
    assert pictures.picture_path("overview", ()) is None
    assert pictures.cached_png("overview", (), Renderer()) == _png()


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(pictures.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert pictures.cache_dir() == tmp_path / "calf-tutorial"


def test_folders_of_old_package_states_are_pruned_when_nothing_wrote_to_them(cache):
    import time

    now = time.time()
    current = cache / pictures.content_hash()
    old, recent = cache / "0123456789abcdef", cache / "fedcba9876543210"
    other = cache / "notes"  # not a package state: never touched
    for folder in (old, recent, other):
        (folder / "en").mkdir(parents=True)
        (folder / "en" / "overview-1.png").write_bytes(_png())
    days = pictures.STALE_DAYS * 86400
    for path in (old, old / "en", old / "en" / "overview-1.png"):
        os.utime(path, (now - days - 3600, now - days - 3600))
    for path in (recent, recent / "en"):
        os.utime(path, (now - days - 3600, now - days - 3600))  # but its file is new
    pictures.cached_png("overview", (1,), Renderer())
    assert current.is_dir()
    assert not old.exists()
    assert recent.is_dir()  # another checkout in use wrote to it lately
    assert other.is_dir()
    assert pictures.prune(now=now + days + 7200) == [recent]  # once it too is stale
    assert current.is_dir()  # never the folder in use


def test_the_content_hash_names_the_package_state():
    digest = pictures.content_hash()
    assert len(digest) == 16
    assert int(digest, 16) >= 0
    code = "from tutorial.store.pictures import content_hash; print(content_hash())"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert other == digest  # the same in every process


def test_concurrent_writers_leave_one_whole_file(cache):
    data = [_png(i) for i in range(8)]
    errors = []

    def write(png: bytes) -> None:
        try:
            for _ in range(5):
                pictures.clear_memory()
                path = pictures.picture_path("race", ())
                pictures._read(path)
                from tutorial.store.files import atomic_write_bytes

                atomic_write_bytes(path, png)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(png,)) for png in data]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert pictures.picture_path("race", ()).read_bytes() in data


def test_routine_overview_shows_the_overview_as_a_png_output(cache):
    out = tutorial.routine_overview()
    bundle = out._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert pictures.is_complete_png(png)
    assert "four views of the right lower leg" in bundle["text/plain"]
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:  # as the inline backend showed it
        width, height = image.size
    assert 1000 < width <= 1169
    assert 700 < height <= 827
    assert tutorial.routine_overview(side="left").png != png


def test_planned_vs_actual_is_cached_by_history(cache):
    empty = tutorial.planned_vs_actual([])
    assert "No steps timed yet" in empty.alt
    record = {
        "segment": 0,
        "step_id": "prepare",
        "leg": "right",
        "planned_seconds": 30.0,
        "actual_seconds": 28.0,
    }
    timed = tutorial.planned_vs_actual([record])
    assert timed.png != empty.png
    assert "Planned against actual" in timed.alt


_LIGHT_KERNEL = """
import json, sys
import tutorial
tutorial.page_style()
tutorial.routine_overview()
tutorial.planned_vs_actual([])
tutorial.routine_cards()
tutorial.workshop_plan()
tutorial.handout_download()
from tutorial.widgets.timer import StepTimer, _picture_bytes
timer = StepTimer(legs="both")
steps = timer.routine.steps
pictures = [_picture_bytes(step, side) for step in steps for side in ("right", "left")]
print(json.dumps({
    "heavy": sorted(m for m in ("matplotlib", "numpy", "PIL") if m in sys.modules),
    "pictures": sum(p is not None for p in pictures),
}))
"""


def test_lessons_4_and_7_with_a_warm_cache_import_no_matplotlib_or_numpy(cache):
    env = dict(os.environ, **{pictures.CACHE_ENV: str(cache)})

    def run() -> dict:
        out = subprocess.run(
            [sys.executable, "-c", _LIGHT_KERNEL], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    first = run()  # draws every picture (and so imports matplotlib)
    assert "matplotlib" in first["heavy"]
    second = run()
    assert second == {"heavy": [], "pictures": first["pictures"]}
    assert second["pictures"] >= 14


def test_warm_pictures_puts_every_picture_of_lessons_4_and_7_in_the_cache(cache):
    from tutorial.site.warm import warm_pictures

    count = warm_pictures()
    files = list(cache.rglob("*.png"))
    assert count == len(files) >= 16  # overview, empty chart, 14+ step pictures
    assert warm_pictures() == count  # already there: read, not drawn
