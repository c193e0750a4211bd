"""Text measured in inches from the font's own metrics, and word wrap by measured width."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from synergies.plots.style import FONT, LINE


@lru_cache(maxsize=4096)
def _advance(char: str, bold: bool) -> float:
    """Advance width of one character at 1 point, in points, from the font's own metrics."""
    prop = FontProperties(family=FONT, size=100, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(char, prop, ismath=False)
    return width / 100


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of one line of `text` in the figure font.

    The sum of the characters' advances: exact without kerning, and never narrower than the
    drawn text (kerning only tightens), so wrapped labels always fit. Fast enough to measure
    every candidate line of every label.
    """
    if "\n" in text:
        return max(text_width(line, size, bold) for line in text.split("\n"))
    return sum(_advance(c, bold) for c in text) * size / 72


def line_height(size: float) -> float:
    """Height in inches of one line of text at `size` points."""
    return size * LINE / 72


def _split_word(token: str, width: float, size: float, bold: bool) -> list[str]:
    """Break a word longer than `width` into pieces that fit, so no label runs out of its box."""
    pieces, current = [], ""
    for char in token:
        if current and text_width(current + char, size, bold) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def _ellipsize(text: str, width: float, size: float, bold: bool) -> str:
    """Cut `text` so that it and a trailing ellipsis fit in `width`."""
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1].rstrip()
    return text + "…"


def wrap(text: str, width: float, size: float, bold: bool = False, max_lines: int = 6) -> list[str]:
    """Greedy word wrap by measured width; a line break in `text` is kept; overflow ends with an ellipsis."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for token in paragraph.split():
            for piece in (
                _split_word(token, width, size, bold) if text_width(token, size, bold) > width else [token]
            ):
                candidate = f"{current} {piece}" if current else piece
                if not current or text_width(candidate, size, bold) <= width:
                    current = candidate
                else:
                    lines.append(current)
                    current = piece
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsize(lines[max_lines - 1], width, size, bold)]
    return lines


def _block_width(lines: Iterable[str], size: float, bold: bool = False) -> float:
    return max((text_width(line, size, bold) for line in lines), default=0.0)
