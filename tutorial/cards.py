"""Cards for the lessons: a point, the safety box, red flags, the evidence, the cun table.

Every card is an :class:`ipywidgets.HTML` whose text comes from the package data and is
passed through :func:`html.escape` on the way in, so even a changed data file cannot inject
markup. The ``*_html`` functions return the same markup as a string, for pages that combine
several cards. Colours are set explicitly (dark text on light panels) so a card reads the
same in a light or dark JupyterLab theme and on a projector.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import ipywidgets as widgets

from .content import (
    get_point,
    load_cun,
    load_landmarks,
    load_routine,
    load_safety,
)
from .model import Acupoint, Routine, Step

__all__ = [
    "cun_table",
    "depth_text",
    "evidence_box",
    "first_aid_box",
    "landmark_card",
    "landmarks_table",
    "point_card",
    "point_card_html",
    "point_title",
    "red_flags",
    "routine_cards",
    "safety_box",
    "step_card",
    "steps_for_point",
]

# Panel styles: dark text on light backgrounds, high contrast for projectors.
_PANEL = (
    "border-radius:6px;padding:10px 14px;margin:4px 0;color:#1b1b1b;"
    "font-size:15px;line-height:1.45;max-width:760px;"
)
STYLES = {
    "safety": _PANEL + "background:#fff4d6;border:2px solid #b26a00;",
    "danger": _PANEL + "background:#fde8e8;border:2px solid #a4161a;",
    "evidence": _PANEL + "background:#eef3fb;border:2px solid #2b59a3;",
    "point": _PANEL + "background:#f5f7f5;border:2px solid #3d6b4f;",
    "plain": _PANEL + "background:#f7f7f7;border:1px solid #888;",
}

DERIVED_CAVEAT = "a drawing convention derived from the landmarks, not a WHO figure"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _panel(kind: str, inner: str) -> str:
    return f'<div class="calf-card calf-{kind}" style="{STYLES[kind]}">{inner}</div>'


def _items(texts: Iterable[str]) -> str:
    return (
        "<ul style='margin:4px 0 4px 18px;padding:0'>"
        + "".join(f"<li>{_e(t)}</li>" for t in texts)
        + "</ul>"
    )


def point_title(point: Acupoint | str, *, hanzi: bool = True) -> str:
    """``"BL40 Wěizhōng 委中 (Bend Middle)"``: how the lessons name a point, as plain text."""
    point = get_point(point)
    parts = [point.code, point.pinyin]
    if hanzi:
        parts.append(point.hanzi)
    return " ".join(parts) + f" ({point.english})"


def depth_text(point: Acupoint | str) -> str:
    """How far below the knee line the point lies, with a caveat where the depth is derived.

    Examples
    --------
    >>> depth_text("ST36")
    '3 B-cun below the knee line.'
    """
    point = get_point(point)
    if point.y_cun == 0:
        text = "On the knee line (level with the popliteal crease)."
    else:
        text = f"{point.y_cun:g} B-cun below the knee line."
    if point.y_derived:
        text = f"About {text[0].lower()}{text[1:-1]} ({DERIVED_CAVEAT})."
    return text


def steps_for_point(code: str, routine: Routine | None = None) -> tuple[Step, ...]:
    """The steps of ``routine`` (default: the built-in one) that work on point ``code``."""
    routine = routine if routine is not None else load_routine()
    return tuple(step for step in routine.steps if code in step.points)


def point_card_html(point: Acupoint | str, *, routine: Routine | None = None) -> str:
    """The markup of :func:`point_card`."""
    point = get_point(point)
    landmarks = load_landmarks()
    landmark = landmarks.get(point.landmark)
    rows = [
        ("Channel", f"{point.meridian} channel"),
        ("Where", point.location),
        ("How to find it", point.how_to_find),
        ("Depth", depth_text(point)),
    ]
    if point.offset_note:
        rows.append(("Across", point.offset_note))
    if landmark is not None:
        rows.append(("Landmark", f"{landmark.name}: {landmark.description}"))
    rows.append(("Seen in", ", ".join(f"{v} view" for v in point.views)))
    routine = routine if routine is not None else load_routine()
    steps = steps_for_point(point.code, routine)
    for step in steps:
        number = routine.steps.index(step) + 1
        rows.append(("In the routine", f"Step {number}: {step.title}"))
        if step.hand:
            rows.append(("Hand", step.hand))
        if step.effect:
            rows.append(("Traditional effect", f"{step.effect} (a traditional idea, not proven)"))
    if point.is_landmark_point:
        rows.append(("Role", "A landmark for measuring; not pressed in the routine."))
    body = "".join(
        f"<tr><th style='text-align:left;vertical-align:top;padding:2px 10px 2px 0;"
        f"white-space:nowrap'>{_e(k)}</th><td style='padding:2px 0'>{_e(v)}</td></tr>"
        for k, v in rows
    )
    cautions = list(point.cautions) + [s.caution for s in steps if s.caution]
    caution = ""
    if cautions:
        caution = (
            "<div style='margin-top:6px;padding:6px 10px;background:#fde8e8;"
            "border-left:5px solid #a4161a'><b>Caution</b>"
            + _items(dict.fromkeys(cautions))
            + "</div>"
        )
    title = (
        f"<div style='font-size:19px;font-weight:bold;margin-bottom:4px'>"
        f"{_e(point.code)} {_e(point.pinyin)} <span lang='zh'>{_e(point.hanzi)}</span>"
        f" <span style='font-weight:normal'>· {_e(point.english)}</span></div>"
    )
    return _panel("point", title + f"<table>{body}</table>" + caution)


def point_card(point: Acupoint | str, *, routine: Routine | None = None) -> widgets.HTML:
    """A card for one point: names, where and how to find it, depth, technique, cautions.

    Parameters
    ----------
    point
        An :class:`~tutorial.model.Acupoint` or its code (``"BL40"``).
    routine
        The routine whose steps are listed for the point; default the built-in one.
    """
    return widgets.HTML(point_card_html(point, routine=routine))


def first_aid_html() -> str:
    """The markup of :func:`first_aid_box`."""
    safety = load_safety()
    steps = "".join(f"<li>{_e(s)}</li>" for s in safety.first_aid_steps)
    return _panel(
        "safety",
        f"<div style='font-size:18px;font-weight:bold'>{_e(safety.first_aid_title)}</div>"
        f"<ol style='margin:4px 0 0 20px;padding:0'>{steps}</ol>",
    )


def first_aid_box() -> widgets.HTML:
    """The first-aid stretch, step by step."""
    return widgets.HTML(first_aid_html())


def red_flags_html(*, detail: bool = True) -> str:
    """The markup of :func:`red_flags`."""
    items = []
    for flag in load_safety().red_flags:
        action = f"<b>{_e(flag.action)}</b>"
        if flag.urgent:
            action = f"<b style='color:#a4161a'>{_e(flag.action)}</b>"
        more = f" {_e(flag.detail)}" if detail else ""
        items.append(f"<li><b>{_e(flag.title)}.</b>{more} {action}</li>")
    return _panel(
        "danger",
        "<div style='font-size:18px;font-weight:bold'>Do not massage; get medical help if:</div>"
        f"<ul style='margin:4px 0 0 20px;padding:0'>{''.join(items)}</ul>",
    )


def red_flags(*, detail: bool = True) -> widgets.HTML:
    """The red flags: signs that mean no massage and medical help instead.

    Parameters
    ----------
    detail
        Include the explanation of each sign (``False``: title and action only).
    """
    return widgets.HTML(red_flags_html(detail=detail))


def evidence_html() -> str:
    """The markup of :func:`evidence_box`."""
    safety = load_safety()
    return _panel(
        "evidence",
        "<div style='font-size:18px;font-weight:bold'>What the evidence says</div>"
        + _items(safety.evidence)
        + f"<div style='margin-top:4px'><i>{_e(safety.traditional_notice)}</i></div>",
    )


def evidence_box() -> widgets.HTML:
    """What the clinical evidence says, and that the routine's effects are traditional."""
    return widgets.HTML(evidence_html())


def safety_box(*, compact: bool = False) -> widgets.HTML:
    """The safety summary every lesson opens with: stretch first, red flags, pregnancy.

    Parameters
    ----------
    compact
        Red flags without their explanations, for the top of a lesson.
    """
    safety = load_safety()
    pregnancy = _panel("safety", f"<b>Pregnancy.</b> {_e(safety.pregnancy)}")
    return widgets.HTML(first_aid_html() + red_flags_html(detail=not compact) + pregnancy)


def landmark_card(landmark_id: str) -> widgets.HTML:
    """One landmark: its name, what to feel for, and the views that show it."""
    lm = load_landmarks()[landmark_id]
    views = ", ".join(lm.views)
    return widgets.HTML(
        _panel(
            "plain",
            f"<b>{_e(lm.name)}</b><br>{_e(lm.description)}<br>"
            f"<span style='color:#444'>Seen in: {_e(views)}</span>",
        )
    )


def landmarks_table() -> widgets.HTML:
    """Every landmark the diagrams draw: name, what to feel for, and where it is seen."""
    rows = "".join(
        f"<tr><td style='vertical-align:top;padding:3px 10px 3px 0'><b>{_e(lm.name)}</b></td>"
        f"<td style='padding:3px 10px 3px 0'>{_e(lm.description)}</td>"
        f"<td style='vertical-align:top;color:#444'>{_e(', '.join(lm.views))}</td></tr>"
        for lm in load_landmarks().values()
    )
    head = (
        "<tr><th style='text-align:left'>Landmark</th><th style='text-align:left'>What to feel"
        "</th><th style='text-align:left'>Seen in</th></tr>"
    )
    return widgets.HTML(_panel("plain", f"<table>{head}{rows}</table>"))


def routine_cards(routine: Routine | None = None) -> widgets.VBox:
    """A card for every step of ``routine`` (default the built-in one), numbered."""
    routine = routine if routine is not None else load_routine()
    return widgets.VBox(
        [step_card(step, number=i) for i, step in enumerate(routine.steps, start=1)]
    )


def cun_table() -> widgets.HTML:
    """Proportional cun for the leg beside the finger cun used only to check them."""
    cun = load_cun()
    prop = "".join(
        f"<tr><td>{_e(p['start'])}</td><td>{_e(p['end'])}</td>"
        f"<td style='text-align:right'>{_e(p['cun'])}</td></tr>"
        for p in cun["proportional"]
    )
    finger = "".join(
        f"<tr><td>{_e(f.name)}</td><td>{_e(f.how)}</td>"
        f"<td style='text-align:right'>{f.cun:g}</td></tr>"
        for f in cun["finger"]
    )
    head = (
        "<tr><th style='text-align:left'>{}</th><th style='text-align:left'>{}</th>"
        "<th>cun</th></tr>"
    )
    return widgets.HTML(
        _panel(
            "plain",
            "<b>Proportional (bone) cun: use these</b>"
            f"<table style='width:100%'>{head.format('From', 'To')}{prop}</table>"
            "<br><b>Finger cun: only to check</b>"
            f"<table style='width:100%'>{head.format('Measure', 'How')}{finger}</table>",
        )
    )


def step_card(step: Step, *, number: int | None = None) -> widgets.HTML:
    """One routine step: title, time range, hand, instructions, traditional effect, caution."""
    return widgets.HTML(step_card_html(step, number=number))


def step_card_html(step: Step, *, number: int | None = None) -> str:
    """The markup of :func:`step_card`."""
    prefix = f"{number}. " if number is not None else ""
    span = f"{step.min_seconds / 60:g}-{step.max_seconds / 60:g} min"
    parts = [
        f"<div style='font-size:17px;font-weight:bold'>{_e(prefix + step.title)}"
        f" <span style='font-weight:normal'>({_e(span)})</span></div>",
        f"<div><b>{_e(step.technique)}</b>"
        + (f" · {_e(step.hand)}" if step.hand else "")
        + "</div>",
        f"<div>{_e(step.instructions)}</div>",
    ]
    if step.effect:
        parts.append(f"<div style='color:#444'><i>Traditional effect: {_e(step.effect)}</i></div>")
    if step.caution:
        parts.append(f"<div style='color:#a4161a'><b>Caution:</b> {_e(step.caution)}</div>")
    return _panel("plain", "".join(parts))
