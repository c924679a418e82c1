"""Small helpers shared by test modules (``from helpers import ...``; pytest puts ``tests/``
on the path)."""

from __future__ import annotations

from collections.abc import Iterator


def strings(value: object) -> Iterator[str]:
    """Every string inside ``value`` (parsed TOML or JSON: dicts, lists, strings)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


#: The point names of the WHO standard (2008), in hanzi: what the Chinese data and lessons use.
WHO_HANZI = {
    "ST35": "犊鼻",
    "BL40": "委中",
    "GB34": "阳陵泉",
    "ST36": "足三里",
    "ST38": "条口",
    "BL57": "承山",
    "BL60": "昆仑",
    "KI3": "太溪",
}
