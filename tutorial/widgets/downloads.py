"""Files a person can find: a download button that hands bytes from the kernel to the browser.

:class:`Download` is an anywidget. The kernel sends the file's bytes; the browser makes a
Blob URL from them and saves the file under its name in the learner's Downloads folder. No
server path is shown and no file route is needed, so it works the same in JupyterLab and in
Voila (where the kernel's files are out of reach). A file can be made on request
(``build=``): the handout's PDF is drawn only when someone asks for it, not on every visit.

:func:`handout_download` and :func:`routine_download` are the two buttons of lesson 7.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

from ..content.i18n import _
from ..content.loader import load_routine
from ..content.model import Routine, RoutineError
from .frontend import catalog_trait, esm

__all__ = ["Download", "handout_download", "routine_download"]

_STATIC = Path(__file__).parent.parent / "static"


class Download(anywidget.AnyWidget):
    """A button that saves a file from the kernel in the browser (a Blob URL, no server path).

    Parameters
    ----------
    data
        The file's bytes, when they are known now.
    build
        A function returning the bytes, called when the button is pressed (and again on
        each press with ``rebuild=True``). Use it for files that are slow to make or that
        must be current when downloaded.
    filename
        The name the browser saves the file under (no folders).
    label
        The button's text; default "Download <filename>".
    busy_label
        What the button says while the file is being made; default "Preparing…".
    mime
        The file's media type.
    rebuild
        Call ``build`` on every press (a file that may have changed), not only the first.
    """

    _esm = esm("download.js")
    _css = _STATIC / "download.css"
    #: The front end's own words (the "save again" link, sizes) in the course's language.
    i18n = catalog_trait("download.js")

    data = traitlets.Bytes(b"").tag(sync=True)
    filename = traitlets.Unicode("download").tag(sync=True)
    label = traitlets.Unicode("Download").tag(sync=True)
    busy_label = traitlets.Unicode("Preparing…").tag(sync=True)
    mime = traitlets.Unicode("application/octet-stream").tag(sync=True)
    rebuild = traitlets.Bool(False).tag(sync=True)
    #: ``""``, ``"building"``, ``"ready"`` or ``"error"``.
    status = traitlets.Unicode("").tag(sync=True)
    #: A plain-text line beside the button (what was made, or what went wrong).
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        data: bytes = b"",
        *,
        build: Callable[[], bytes] | None = None,
        filename: str,
        label: str | None = None,
        busy_label: str | None = None,
        mime: str = "application/octet-stream",
        rebuild: bool = False,
        **kwargs,
    ) -> None:
        if not data and build is None:
            raise ValueError("give the file's bytes (data=) or a function that makes them (build=)")
        if Path(filename).name != filename or not filename:
            raise ValueError(f"filename must be a bare file name, not {filename!r}")
        self._build = build
        super().__init__(
            data=bytes(data),
            filename=filename,
            label=label or _("Download {name}").format(name=filename),
            busy_label=busy_label or _("Preparing…"),
            mime=mime,
            rebuild=rebuild,
            status="ready" if data else "",
            **kwargs,
        )
        self.on_msg(self._on_front_end_msg)

    def prepare(self) -> bytes:
        """Make the file now (what a press of the button does) and send it to the browser."""
        if self._build is None:
            return self.data
        self.status = "building"
        self.message = ""
        try:
            data = bytes(self._build())
        except Exception as exc:  # a widget callback must report, not vanish
            self.status = "error"
            reason = exc.reason if isinstance(exc, RoutineError) else str(exc)
            self.message = _("Could not make {name}: {reason}").format(
                name=self.filename, reason=reason
            )
            traceback.print_exc()
            return b""
        self.data = data
        self.status = "ready"
        if not self.message:
            self.message = _("{name} is ready: your browser saves it in Downloads.").format(
                name=self.filename
            )
        return data

    def _on_front_end_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "prepare":
            self.prepare()


def handout_download(routine: Routine | None = None) -> Download:
    """A button that makes the A4 handout (PDF) when pressed and saves it in the browser.

    The PDF is drawn on request, not when the lesson opens, so a Voila page shows its
    widgets at once.
    """

    def build() -> bytes:
        import tempfile

        from ..drawing.handout import make_handout

        with tempfile.TemporaryDirectory() as folder:
            return make_handout(Path(folder) / "handout.pdf", routine).read_bytes()

    return Download(
        build=build,
        filename="calf-cramp-handout.pdf",
        label=_("Make the handout (PDF)"),
        busy_label=_("Drawing the handout…"),
        mime="application/pdf",
    )


def routine_download(name: str = "my-routine.toml") -> Download:
    """A button that saves the learner's routine file (from the timing lab) in the browser.

    The file is read when the button is pressed, so it is the latest saved version. With no
    saved routine yet, the built-in routine is offered instead, and the message says so.
    """
    widget: Download

    def build() -> bytes:
        from ..content.loader import save_routine
        from ..store.files import user_data_dir

        saved = user_data_dir() / name
        if saved.exists():
            load_routine(saved)  # refuse to hand out a broken file
            widget.message = _(
                "Your saved routine ({name}) is ready: your browser saves it."
            ).format(name=name)
            return saved.read_bytes()
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            data = save_routine(load_routine(), Path(folder) / name).read_bytes()
        widget.message = _(
            "No saved routine yet (save one in lesson 5), so {name} holds the built-in routine."
        ).format(name=name)
        return data

    widget = Download(
        build=build,
        filename=name,
        label=_("Download your routine ({name})").format(name=name),
        mime="application/toml",
        rebuild=True,
    )
    return widget
