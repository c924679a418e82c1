"""Cards for the lessons: a point, the safety box, red flags, the evidence, the cun table.

All safety text comes from ``tutorial/data/safety.toml`` (one source): the full lists
(:func:`red_flags`, :func:`cautions_box`), the posture with its alternative and caution
(:func:`posture_box`) and the short reminder lessons 4, 5 and 7 open with
(:func:`safety_reminder`, which links to the full list in lesson 1).

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

from ..content.i18n import N_, _, format_decimal, format_list
from ..content.loader import (
    get_point,
    load_cun,
    load_landmarks,
    load_routine,
    load_safety,
    load_techniques,
    technique_name,
)
from ..content.model import Acupoint, Routine, Step

__all__ = [
    "cautions_box",
    "cun_table",
    "evidence_box",
    "first_aid_box",
    "landmark_card",
    "landmarks_table",
    "level_text",
    "point_card",
    "point_card_html",
    "point_title",
    "posture_box",
    "red_flags",
    "routine_cards",
    "safety_box",
    "safety_reminder",
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

DERIVED_CAVEAT = N_("a drawing convention derived from the landmarks, not a WHO figure")
#: How a view is named in "Seen in" (the views of the diagrams).
VIEW_WORDS = {
    "anterior": N_("anterior view"),
    "lateral": N_("lateral view"),
    "posterior": N_("posterior view"),
    "medial": N_("medial view"),
}


def _views(views: Iterable[str]) -> str:
    return format_list(_(VIEW_WORDS[v]) if v in VIEW_WORDS else v for v in views)


def _label(text: str) -> str:
    """``"Caution:"``: a title followed by its text, with the language's colon."""
    return _("{title}:").format(title=text)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _panel(kind: str, inner: str) -> str:
    return (
        f'<div class="calf-card calf-{kind}" style="{STYLES[kind]}">{inner}</div>'  # i18n: ignore
    )


def _items(texts: Iterable[str]) -> str:
    return (  # i18n: ignore
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


def level_text(point: Acupoint | str) -> str:
    """How far below the knee crease the point lies, with a caveat where that is derived.

    Examples
    --------
    >>> level_text("ST36")
    '3 B-cun below the knee crease.'
    """
    point = get_point(point)
    cun = format_decimal(point.y_cun, 2)
    if point.y_derived:
        if point.y_cun == 0:
            return _("About level with the knee crease ({caveat}).").format(
                caveat=_(DERIVED_CAVEAT)
            )
        return _("About {cun} B-cun below the knee crease ({caveat}).").format(
            cun=cun, caveat=_(DERIVED_CAVEAT)
        )
    if point.y_cun == 0:
        return _("Level with the knee crease (the popliteal crease).")
    return _("{cun} B-cun below the knee crease.").format(cun=cun)


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
        (_("Channel"), _("{meridian} channel").format(meridian=point.meridian)),
        (_("Where"), point.location),
        (_("How to find it"), point.how_to_find),
        (_("Level"), level_text(point)),
    ]
    if point.offset_note:
        rows.append((_("Across"), point.offset_note))
    if landmark is not None:
        rows.append(
            (
                _("Landmark"),
                _("{name}: {description}").format(
                    name=landmark.name, description=landmark.description
                ),
            )
        )
    rows.append((_("Seen in"), _views(point.views)))
    routine = routine if routine is not None else load_routine()
    steps = steps_for_point(point.code, routine)
    for step in steps:
        number = routine.steps.index(step) + 1
        rows.append(
            (
                _("In the routine"),
                _("Step {number}: {title}").format(number=number, title=step.title),
            )
        )
        if step.hand:
            rows.append((_("Hand"), step.hand))
        if step.effect:
            rows.append(
                (
                    _("Traditional effect"),
                    _("{effect} (a traditional idea, not proven)").format(effect=step.effect),
                )
            )
    if point.is_landmark_point:
        rows.append((_("Role"), _("A landmark for measuring; not pressed in the routine.")))
    body = "".join(  # i18n: ignore
        f"<tr><th style='text-align:left;vertical-align:top;padding:2px 10px 2px 0;"
        f"white-space:nowrap'>{_e(k)}</th><td style='padding:2px 0'>{_e(v)}</td></tr>"
        for k, v in rows
    )
    # The point's own cautions, once. A step's caution belongs to its step card (and the
    # timer); repeating it here said the same thing twice in other words (BL40, BL60).
    caution = ""
    if point.cautions:
        caution = (  # i18n: ignore
            "<div style='margin-top:6px;padding:6px 10px;background:#fde8e8;"
            f"border-left:5px solid #a4161a'><b>{_e(_('Caution'))}</b>"
            + _items(dict.fromkeys(point.cautions))
            + "</div>"
        )
    title = (  # i18n: ignore
        f"<div style='font-size:19px;font-weight:bold;margin-bottom:4px'>"
        f"{_e(point.code)} {_e(point.pinyin)} <span lang='zh'>{_e(point.hanzi)}</span>"
        f" <span style='font-weight:normal'>· {_e(point.english)}</span></div>"
    )
    return _panel("point", title + f"<table>{body}</table>" + caution)


def point_card(point: Acupoint | str, *, routine: Routine | None = None) -> widgets.HTML:
    """A card for one point: names, where and how to find it, level, technique, cautions.

    Parameters
    ----------
    point
        An :class:`~tutorial.content.model.Acupoint` or its code (``"BL40"``).
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
        title = _("{title}.").format(title=flag.title)
        items.append(f"<li><b>{_e(title)}</b>{more} {action}</li>")
    heading = _("Do not massage; get medical help if:")
    return _panel(  # i18n: ignore
        "danger",
        f"<div style='font-size:18px;font-weight:bold'>{_e(heading)}</div>"
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
    return _panel(  # i18n: ignore
        "evidence",
        f"<div style='font-size:18px;font-weight:bold'>{_e(_('What the evidence says'))}</div>"
        + _items(safety.evidence)
        + f"<div style='margin-top:4px'><i>{_e(safety.traditional_notice)}</i></div>",
    )


def evidence_box() -> widgets.HTML:
    """What the clinical evidence says, and that the routine's effects are traditional."""
    return widgets.HTML(evidence_html())


def cautions_html() -> str:
    """The markup of :func:`cautions_box`."""
    safety = load_safety()
    items = [f"<li><b>{_e(_label(c.title))}</b> {_e(c.action)}</li>" for c in safety.cautions]
    items.append(
        f"<li><b>{_e(_label(safety.reminder['pregnancy_title']))}</b> {_e(safety.pregnancy)}</li>"
    )
    return _panel(
        "safety",
        f"<div style='font-size:18px;font-weight:bold'>{_e(safety.reminder['care'])}</div>"
        f"<ul style='margin:4px 0 0 20px;padding:0'>{''.join(items)}</ul>",
    )


def cautions_box() -> widgets.HTML:
    """Situations where the massage needs extra care (blood thinners, varicose veins, ...)."""
    return widgets.HTML(cautions_html())


def posture_html() -> str:
    """The markup of :func:`posture_box`."""
    safety = load_safety()
    posture = safety.posture
    caution = next(c for c in safety.cautions if c.id == posture["caution"])
    return _panel(
        "safety",
        f"<div style='font-size:18px;font-weight:bold'>{_e(posture['title'])}</div>"
        f"<div>{_e(posture['crossed'])}</div><div><b>{_e(posture['alternative'])}</b></div>"
        f"<div style='color:#a4161a;margin-top:4px'><b>{_e(_label(caution.title))}</b> "
        f"{_e(caution.action)}</div>",
    )


def posture_box() -> widgets.HTML:
    """How to sit for the massage: crossed leg, or the foot on a stool or the leg on a bed."""
    return widgets.HTML(posture_html())


def safety_reminder_html() -> str:
    """The markup of :func:`safety_reminder`: the red flags, then who takes extra care, each
    a list of titles (a room reads a list from the back row; a run-on line it does not)."""
    safety = load_safety()
    reminder = safety.reminder
    care = [*(c.title for c in safety.cautions), reminder["pregnancy_title"]]
    return _panel(
        "safety",
        f"<div style='font-size:18px;font-weight:bold'>{_e(reminder['title'])}</div>"
        f"<div>{_e(reminder['text'])}</div>"
        f"{_items(flag.title for flag in safety.red_flags)}"
        f"<div style='margin-top:4px'>{_e(reminder['care'])}</div>"
        f"{_items(care)}"
        f"<div style='margin-top:6px'><a href='{_e(reminder['link'])}' target='_blank' "
        f"style='color:#0b4f9c;font-weight:bold;text-decoration:underline'>"
        f"{_e(reminder['link_text'])}</a></div>",
    )


def safety_reminder() -> widgets.HTML:
    """The short safety reminder that opens every lesson leading into the massage.

    Stretch first, the titles of the red flags and of the take-care situations, and a link
    to the full list in lesson 1, all from ``safety.toml``.
    """
    return widgets.HTML(safety_reminder_html())


def safety_box(*, compact: bool = False) -> widgets.HTML:
    """The safety summary: stretch first, red flags, who needs extra care, pregnancy.

    Parameters
    ----------
    compact
        Red flags without their explanations, for the top of a lesson.
    """
    return widgets.HTML(first_aid_html() + red_flags_html(detail=not compact) + cautions_html())


def landmark_card(landmark_id: str) -> widgets.HTML:
    """One landmark: its name, what to feel for, and the views that show it."""
    lm = load_landmarks()[landmark_id]
    seen = _("Seen in: {views}").format(views=_views(lm.views))
    return widgets.HTML(
        _panel(
            "plain",
            f"<b>{_e(lm.name)}</b><br>{_e(lm.description)}<br>"
            f"<span style='color:#444'>{_e(seen)}</span>",
        )
    )


def landmarks_table() -> widgets.HTML:
    """Every landmark the diagrams draw: name, what to feel for, and where it is seen."""
    rows = "".join(
        f"<tr><td style='vertical-align:top;padding:3px 10px 3px 0'><b>{_e(lm.name)}</b></td>"
        f"<td style='padding:3px 10px 3px 0'>{_e(lm.description)}</td>"
        f"<td style='vertical-align:top;color:#444'>{_e(_views(lm.views))}</td></tr>"
        for lm in load_landmarks().values()
    )
    head = "<tr>{}</tr>".format(
        "".join(
            f"<th style='text-align:left'>{_e(h)}</th>"
            for h in (_("Landmark"), _("What to feel"), _("Seen in"))
        )
    )
    return widgets.HTML(_panel("plain", f"<table>{head}{rows}</table>"))


def routine_cards(routine: Routine | None = None) -> widgets.VBox:
    """The routine's description and notes, then a card for every step, numbered.

    ``routine`` defaults to the built-in one.
    """
    routine = routine if routine is not None else load_routine()
    about = [routine.description, routine.notes]
    head = []
    if any(about):
        head = [widgets.HTML(_panel("plain", "".join(f"<div>{_e(t)}</div>" for t in about if t)))]
    return widgets.VBox(
        head + [step_card(step, number=i) for i, step in enumerate(routine.steps, start=1)]
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
    head = (  # i18n: ignore
        "<tr><th style='text-align:left'>{}</th><th style='text-align:left'>{}</th><th>{}</th></tr>"
    )
    cun_word = _e(_("cun"))
    proportional = _e(_("Proportional (bone) cun: use these"))
    finger_title = _e(_("Finger cun: only to check"))
    return widgets.HTML(
        _panel(
            "plain",
            f"<b>{proportional}</b><table style='width:100%'>"
            f"{head.format(_e(_('From')), _e(_('To')), cun_word)}{prop}</table>"
            f"<br><b>{finger_title}</b><table style='width:100%'>"
            f"{head.format(_e(_('Measure')), _e(_('How')), cun_word)}{finger}</table>",
        )
    )


def step_card(step: Step, *, number: int | None = None) -> widgets.HTML:
    """One routine step: title, time range, hand, instructions, traditional effect, caution."""
    return widgets.HTML(step_card_html(step, number=number))


def step_card_html(step: Step, *, number: int | None = None) -> str:
    """The markup of :func:`step_card`."""
    prefix = f"{number}. " if number is not None else ""
    span = _("{low}-{high} min").format(
        low=format_decimal(step.min_seconds / 60, 2), high=format_decimal(step.max_seconds / 60, 2)
    )
    technique = load_techniques().get(step.technique, {})
    chinese = f" ({technique['chinese']})" if technique.get("chinese") else ""
    parts = [  # i18n: ignore
        f"<div style='font-size:17px;font-weight:bold'>{_e(prefix + step.title)}"
        f" <span style='font-weight:normal'>({_e(span)})</span></div>",
        f"<div><b>{_e(technique_name(step.technique) + chinese)}</b>"
        + (f" · {_e(step.hand)}" if step.hand else "")
        + "</div>",
        f"<div>{_e(step.instructions)}</div>",
    ]
    if step.effect:
        effect = _("Traditional effect: {effect}").format(effect=step.effect)
        parts.append(f"<div style='color:#444'><i>{_e(effect)}</i></div>")
    if step.caution:
        caution = _e(_label(_("Caution")))
        parts.append(f"<div style='color:#a4161a'><b>{caution}</b> {_e(step.caution)}</div>")
    return _panel("plain", "".join(parts))
