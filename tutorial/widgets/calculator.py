"""A personal cun calculator: from your knee-crease-to-ankle length to each point on your leg.

1 B-cun is a sixteenth of the distance from the popliteal crease (the back of the knee) to the
most prominent point of the outer ankle bone. :func:`personal_distances` turns that length
into centimetres for every point; :class:`CunCalculator` is the small widget of lesson 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
import traitlets

from ..content.i18n import _, babel_locale, format_decimal
from ..content.loader import load_cun, load_points
from ..content.model import RoutineError

__all__ = ["CunCalculator", "PointDistance", "cun_cm", "personal_distances", "validate_length"]


def _rule() -> dict:
    """The calculator's rule (accepted lengths, messages), from ``cun.toml [calculator]``, in
    the current language: the in-browser site runs the same rule in JavaScript from the same
    data."""
    return load_cun()["calculator"]


#: Lengths (cm) the calculator accepts: from a small child to a very tall adult.
MIN_LENGTH_CM = float(_rule()["min_cm"])
MAX_LENGTH_CM = float(_rule()["max_cm"])
DEFAULT_LENGTH_CM = float(_rule()["default_cm"])


def _fixed(value: float, digits: int) -> str:
    """``value`` with exactly ``digits`` decimals in the language's number format (Babel)."""
    from babel.numbers import format_decimal as babel_format

    return babel_format(value, format="#,##0." + "0" * digits, locale=babel_locale())


def _reference_cun() -> float:
    cun = load_cun()
    return float(next(p["cun"] for p in cun["proportional"] if p["id"] == cun["reference"]))


def validate_length(text: str) -> tuple[float | None, str]:
    """Check what a learner typed as their knee-to-ankle length.

    Returns ``(length_cm, "")`` for a usable length, else ``(None, message)`` with a
    plain-text message saying what is accepted and why. The rule and the messages are data
    (``cun.toml [calculator]``); the in-browser site runs the same cases
    (``tests/cases/calculator.json``) through its JavaScript copy of this rule.

    Examples
    --------
    >>> validate_length("38.5")
    (38.5, '')
    >>> validate_length("abc")[0] is None
    True
    """
    shown = " ".join(str(text).split())
    try:
        value = float(shown.replace(",", "."))
    except ValueError:
        value = float("nan")
    if not shown or value != value or value in (float("inf"), float("-inf")):
        return None, _rule()["not_a_number"].format(text=shown[:40])
    if not MIN_LENGTH_CM <= value <= MAX_LENGTH_CM:
        return None, _rule()["out_of_range"].format(
            text=f"{value:g}", min=f"{MIN_LENGTH_CM:g}", max=f"{MAX_LENGTH_CM:g}"
        )
    return value, ""


def cun_cm(length_cm: float) -> float:
    """Your B-cun in centimetres, from your knee-crease-to-ankle length.

    Parameters
    ----------
    length_cm
        Distance from the popliteal crease to the prominence of the lateral malleolus, in cm.

    Raises
    ------
    RoutineError
        If the length is not a number between 15 and 70 cm.

    Examples
    --------
    >>> cun_cm(40)
    2.5
    """
    if isinstance(length_cm, bool) or not isinstance(length_cm, (int, float)):
        raise RoutineError(
            _("expected a length in cm, got {kind}").format(kind=type(length_cm).__name__)
        )
    if not MIN_LENGTH_CM <= length_cm <= MAX_LENGTH_CM:
        raise RoutineError(
            _(
                "{length} cm is not a knee-to-ankle length; measure from the crease behind "
                "the knee to the outer ankle bone (expected {min}-{max} cm)"
            ).format(
                length=format_decimal(length_cm, 2),
                min=format_decimal(MIN_LENGTH_CM),
                max=format_decimal(MAX_LENGTH_CM),
            )
        )
    return float(length_cm) / _reference_cun()


@dataclass(frozen=True)
class PointDistance:
    """Where one point lies on a given leg, in cun and in centimetres."""

    code: str
    name: str
    below_knee_cun: float
    below_knee_cm: float
    above_ankle_cm: float
    across: str
    derived: bool


def personal_distances(length_cm: float) -> tuple[PointDistance, ...]:
    """Every point's distance below the knee line and above the outer ankle bone, in cm.

    Parameters
    ----------
    length_cm
        Knee-crease-to-outer-ankle-bone length in cm (see :func:`cun_cm`).

    Returns
    -------
    tuple[PointDistance, ...]
        In the order of :func:`~tutorial.content.loader.load_points` (ST35 first).
    """
    unit = cun_cm(length_cm)
    total = _reference_cun()
    return tuple(
        PointDistance(
            code=p.code,
            name=f"{p.code} {p.pinyin} {p.hanzi}",
            below_knee_cun=p.y_cun,
            below_knee_cm=p.y_cun * unit,
            above_ankle_cm=(total - p.y_cun) * unit,
            across=p.offset_note,
            derived=p.y_derived,
        )
        for p in load_points().values()
    )


class CunCalculator(widgets.VBox):
    """Type your knee-crease-to-ankle length; see your cun and where each point lies.

    The learner types into a text box; :func:`validate_length` checks what was typed. A
    usable length sets the ``length_cm`` trait and shows the table; anything else (a length
    out of range, not a number) shows a plain-text message saying what is accepted and why,
    and hides the table until the input is usable again.

    Parameters
    ----------
    length_cm
        The length shown first (cm).
    """

    #: The last usable length, in cm; setting it fills the text box.
    length_cm = traitlets.Float(DEFAULT_LENGTH_CM)
    #: What is in the text box.
    text = traitlets.Unicode()
    #: Why the text is not usable (plain text), or ``""`` when it is.
    message = traitlets.Unicode()

    def __init__(self, length_cm: float = DEFAULT_LENGTH_CM, **kwargs) -> None:
        from .style import use_page_style

        use_page_style()  # the CJK font for the table's point names
        self._input = widgets.Text(
            description=_("Length (cm)"),
            placeholder=_("{min} to {max}").format(
                min=format_decimal(MIN_LENGTH_CM), max=format_decimal(MAX_LENGTH_CM)
            ),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="240px"),
        )
        self._help = widgets.HTML(_plain(_rule()["how_to_measure"], css="calf-calc-help"))
        self._message = widgets.HTML(layout=widgets.Layout(display="none"))
        self._table = widgets.HTML()
        super().__init__(children=[self._help, self._input, self._message, self._table], **kwargs)
        self.add_class("calf-widget")
        self.add_class("calf-calculator")
        widgets.link((self._input, "value"), (self, "text"))
        self.length_cm = length_cm
        self.text = f"{self.length_cm:g}"
        self._render()

    @property
    def valid(self) -> bool:
        """Whether the text box holds a usable length (the table is showing)."""
        return not self.message

    @traitlets.validate("length_cm")
    def _valid_length_cm(self, proposal: dict) -> float:
        value, message = validate_length(str(proposal["value"]))
        if value is None:
            raise traitlets.TraitError(message)
        return value

    @traitlets.observe("length_cm")
    def _on_length_cm_change(self, change: dict) -> None:
        if validate_length(self.text)[0] != change["new"]:
            self.text = f"{change['new']:g}"
        self._render()

    @traitlets.observe("text")
    def _on_text_change(self, change: dict) -> None:
        value, self.message = validate_length(change["new"])
        if value is not None:
            self.length_cm = value
        self._render()

    def _render(self) -> None:
        if not hasattr(self, "_table"):  # traits set before the view exists
            return
        if self.message:
            self._message.value = _plain(self.message, css="calf-calc-message", alert=True)
            self._message.layout.display = ""
            self._table.layout.display = "none"
        else:
            self._message.value = ""
            self._message.layout.display = "none"
            self._table.value = table_html(self.length_cm)
            self._table.layout.display = ""


def _plain(text: str, *, css: str, alert: bool = False) -> str:
    """Plain text as escaped HTML that wraps (a Label would cut a long message off)."""
    role = " role='alert'" if alert else ""
    colour = "#8a1c1c" if alert else "#1b1b1b"
    return (
        f"<div class='{css}'{role} style='white-space:normal;max-width:60em;"  # i18n: ignore
        f"color:{colour};font-size:15px;line-height:1.4'>{escape(text)}</div>"
    )


_CELL = "padding:3px 8px;vertical-align:top;border-top:1px solid #d5dcd5"


def table_html(length_cm: float) -> str:
    """The calculator's result as escaped HTML: 1 cun in cm, then one row per point."""
    unit = cun_cm(length_cm)
    rows = []
    for d in personal_distances(length_cm):
        mark = " *" if d.derived else ""
        rows.append(
            f"<tr><td style='white-space:nowrap;{_CELL}'>{escape(d.name)}</td>"  # i18n: ignore
            f"<td style='text-align:right;{_CELL}'>{format_decimal(d.below_knee_cun, 2)}{mark}</td>"
            f"<td style='text-align:right;{_CELL}'>{_fixed(d.below_knee_cm, 1)}</td>"
            f"<td style='text-align:right;{_CELL}'>{_fixed(d.above_ankle_cm, 1)}</td>"
            f"<td style='{_CELL}'>{escape(d.across)}</td></tr>"
        )
    th = "<th style='text-align:{};padding:2px 8px;vertical-align:bottom'>{}</th>"
    head = "".join(
        th.format(align, escape(text))
        for align, text in (
            ("left", _("Point")),
            ("right", _("cun below knee line")),
            ("right", _("cm below knee line")),
            ("right", _("cm above outer ankle bone")),
            ("left", _("Across the leg")),
        )
    )
    your_cun = _("Your cun: {cun} cm").format(cun=_fixed(unit, 2))
    how = _("({length} cm ÷ {parts})").format(
        length=format_decimal(length_cm, 2), parts=format_decimal(_reference_cun())
    )
    note = _(
        "* A level derived from the landmarks, a convention rather than a WHO figure: find "
        "these points by feel first. KI3 sits level with the inner ankle bone, which is "
        "higher than the outer one."
    )
    return (
        "<div style='color:#1b1b1b;background:#f5f7f5;border:2px solid #3d6b4f;"  # i18n: ignore
        "border-radius:6px;padding:8px 12px;font-size:15px;max-width:1100px'>"
        f"<div style='font-size:18px'><b>{escape(your_cun)}</b> {escape(how)}</div>"
        f"<table style='border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table>"
        f"<div style='color:#444;margin-top:4px'>{escape(note)}</div></div>"
    )
