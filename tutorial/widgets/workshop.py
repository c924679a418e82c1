"""Lesson 7's workshop plan and the room's timer, made from one data file.

``data/workshop.toml`` holds the plan's blocks and the session the room follows
(``variant`` and ``legs``). :func:`workshop_plan` shows the plan with the session's length
computed from the routine; :func:`workshop_timer` starts a step timer on the same session,
so the plan and the timer cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import ipywidgets as widgets

from ..content.i18n import N_, _
from ..content.loader import load_routine, read_data_toml
from ..content.model import Routine, RoutineError
from ..content.timing import format_minutes

__all__ = ["Workshop", "load_workshop", "workshop_plan", "workshop_timer"]

_LEGS = {"one": N_("one leg"), "both": N_("both legs (with the switch)")}
_VARIANTS = {
    "quick": N_("quick variant"),
    "default": N_("default variant"),
    "full": N_("full variant"),
}


@dataclass(frozen=True)
class Block:
    """One part of the workshop."""

    start: int
    minutes: int
    what: str
    where: str
    session: bool


@dataclass(frozen=True)
class Workshop:
    """The workshop plan: its blocks, and the timed session everyone follows."""

    title: str
    blocks: tuple[Block, ...]
    variant: str
    legs: str

    @property
    def minutes(self) -> int:
        """The whole workshop, in minutes."""
        return sum(block.minutes for block in self.blocks)

    def routine(self, routine: Routine | None = None) -> Routine:
        """The routine of the session (the built-in one by default) at the plan's variant."""
        base = routine if routine is not None else load_routine()
        return base.variant(self.variant)

    def session_seconds(self, routine: Routine | None = None) -> float:
        """How long the timed session runs (the timer's own plan, switch included)."""
        from ..content.timing import build_plan

        return build_plan(self.routine(routine), self.legs).total_seconds

    def session_text(self, routine: Routine | None = None) -> str:
        """``"one leg, quick variant, 4 min 30 s"``."""
        length = format_minutes(self.session_seconds(routine))
        return _("{legs}, {variant}, {length}").format(
            legs=_(_LEGS[self.legs]), variant=_(_VARIANTS[self.variant]), length=length
        )


def load_workshop() -> Workshop:
    """The workshop plan of ``data/workshop.toml``."""
    data = read_data_toml("workshop.toml")
    session = data["session"]
    if session.get("legs") not in _LEGS:
        raise RoutineError(
            _('expected "one" or "both"'), source="workshop.toml", field="session.legs"
        )
    if session.get("variant") not in _VARIANTS:
        raise RoutineError(
            _('expected "quick", "default" or "full"'),
            source="workshop.toml",
            field="session.variant",
        )
    blocks, start = [], 0
    for raw in data["blocks"]:
        blocks.append(
            Block(
                start=start,
                minutes=int(raw["minutes"]),
                what=raw["what"],
                where=raw["where"],
                session=bool(raw.get("session", False)),
            )
        )
        start += int(raw["minutes"])
    return Workshop(
        title=data["title"], blocks=tuple(blocks), variant=session["variant"], legs=session["legs"]
    )


_CELL = "padding:4px 10px;border-top:1px solid #c8cfc8;vertical-align:top;text-align:left"


def workshop_plan(routine: Routine | None = None) -> widgets.HTML:
    """The workshop plan as a table; the timed session's length comes from the routine."""
    from .style import use_page_style

    use_page_style()
    plan = load_workshop()
    rows = []
    for block in plan.blocks:
        what = (
            block.what.format(session=plan.session_text(routine)) if block.session else block.what
        )
        end = block.start + block.minutes
        rows.append(  # i18n: ignore
            f"<tr><td style='{_CELL};white-space:nowrap'>{block.start}-{end}</td>"
            f"<td style='{_CELL}'>{escape(what)}</td><td style='{_CELL}'>"
            f"{escape(block.where)}</td></tr>"
        )
    head = "".join(
        f"<th style='{_CELL};border-top:none'>{escape(h)}</th>"
        for h in (_("Minutes"), _("What"), _("Where"))
    )
    html = (
        "<div class='calf-card calf-workshop' style='color:#1b1b1b;background:#ffffff;"
        "font-size:15px;line-height:1.45;max-width:900px'>"
        f"<table style='border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table></div>"
    )
    return widgets.HTML(html)


def workshop_timer(routine: Routine | None = None, **kwargs):
    """A step timer on the plan's session (projector layout unless ``layout=`` is given)."""
    from .timer import StepTimer

    plan = load_workshop()
    kwargs.setdefault("layout", "projector")
    return StepTimer(plan.routine(routine), legs=plan.legs, **kwargs)
