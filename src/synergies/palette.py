"""The one palette and glyph set: colour-blind-safe (Okabe-Ito) colours, always paired with a glyph.

Meaning never rests on colour alone: every effect and assessment has a glyph too.
"""

from __future__ import annotations

# Okabe-Ito blue / vermillion / grey, plus a neutral for ambiguous desirability.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREY = "#999999"
YELLOW = "#E69F00"
WHITE = "#FFFFFF"
INK = "#222222"
FAINT = "#DDDDDD"  # outline of a cell that was not measured

EFFECT_COLOURS = {
    "beneficial": BLUE,
    "adverse": VERMILLION,
    "no_change": GREY,
    "unclear": "#F0E442",  # Okabe-Ito yellow: desirability ambiguous
    "conflicting": GREY,
}
EFFECT_GLYPHS = {
    "beneficial": "▲",
    "adverse": "▼",
    "no_change": "◆",
    "unclear": "?",
    "conflicting": "◄►",
}
# Text drawn on top of a filled cell must keep ≥ 3:1 contrast with it (WCAG 1.4.11).
EFFECT_TEXT = {
    "beneficial": WHITE,
    "adverse": WHITE,
    "no_change": INK,
    "unclear": INK,
    "conflicting": INK,
}
SIGN_GLYPHS = {"increase": "+", "decrease": "−", "no_change": "0"}

# `unstated` (reported without a direction) takes the yellow of "unclear" effects and a "?".
ASSESSMENT_COLOURS = {"enabler": BLUE, "barrier": VERMILLION, "mixed": GREY, "unstated": "#F0E442"}
ASSESSMENT_GLYPHS = {"enabler": "+", "barrier": "−", "mixed": "±", "unstated": "?"}
ASSESSMENT_TEXT = {"enabler": WHITE, "barrier": WHITE, "mixed": INK, "unstated": INK}
# Mark of a finding whose direction two sources report differently (findings.csv, direction_alt).
CONTESTED_MARK = "†"
# Mark of a result reported for a subgroup only (findings.csv, subgroup).
SUBGROUP_MARK = "*"

NO_EVALUATION_COLOUR = "#F2F2F2"
