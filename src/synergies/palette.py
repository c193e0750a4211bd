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
    "conflicting": "#CC79A7",  # Okabe-Ito reddish purple: not the grey of no change, so the two differ twice
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
SUBGROUP_MARK = "‡"  # not "*", which marks significance (SIGNIFICANT_MARK)

NO_EVALUATION_COLOUR = "#F2F2F2"

# Outlined twins of the effect glyphs: a finding the source judged not significant (shown, not counted).
OUTLINE_GLYPHS = {"▲": "△", "▼": "▽", "◆": "◇", "◄": "◁", "►": "▷"}
SIGNIFICANT_MARK = "*"

# Risk of bias per evaluation: robvis's colour-blind set (yellow to brown) and a symbol in each marker,
# so the rating never rests on colour alone. `unknown` is white with an outline: no appraisal available.
ROB_COLOURS = {"low": "#FED98E", "some_concerns": "#FE9929", "high": "#D95F0E", "unknown": "#E8E8E8"}
ROB_SYMBOLS = {"low": "+", "some_concerns": "−", "high": "×", "unknown": "?"}
ROB_TEXT = {"low": INK, "some_concerns": INK, "high": INK, "unknown": INK}
