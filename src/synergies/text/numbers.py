"""Numbers as each language writes them: one rule per language, used by every output.

Built on Babel's CLDR number formatting (`babel.numbers`) with explicit locales, so the result
never depends on the process locale. The conventions, chosen deliberately:

- **English**: decimal point, comma grouping from 1,000 ("1,234", "12,345.5"), percentages
  without a space ("70%").
- **Spanish**: the Real Academia Española's rule (Ortografía 2010, §4.2.5; Diccionario
  panhispánico de dudas): decimal comma ("0,125"); digits grouped in threes with a
  no-break space (U+00A0), and only from 10 000 on ("1234", "12 345") — never a dot, which
  readers in Mexico and Peru take as a decimal point; a no-break space before the percent sign
  ("70 %"), as CLDR's Spanish pattern also writes it.

Rounding: one rule everywhere, round half up (away from zero) on the number's decimal value —
the shortest decimal that round-trips the float, `repr(x)` — so 0.125 → "0.13" and 0.145 →
"0.15" (never 0.12 / 0.14 by banker's rounding or binary error). p-values are written with three
decimals ("p = 0.125"), and "p < 0.001" below 0.001; proportions with two decimals; percentages
in whole points unless asked otherwise.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from synergies.text import check_lang

NBSP = "\u00a0"
P_PLACES = 3  # decimals of a p-value
P_FLOOR = Decimal("0.001")  # smaller p-values are written "p < 0.001"
PROPORTION_PLACES = 2
# Spanish groups digits only from five digits on (RAE); CLDR's es data say 2 minimum grouping
# digits too, but Babel does not apply that rule, so it is applied here.
_ES_GROUP_FROM = 10_000


def rounded(value: float | int | Decimal | str, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals, on its decimal value (see the module rule)."""
    exact = (
        value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    )
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _format(lang: str, value: Decimal, places: int) -> str:
    """Babel's CLDR formatting of an already rounded value, then the Spanish grouping rule."""
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    if check_lang(lang) == "en":
        return format_decimal(value, format=pattern, locale="en", decimal_quantization=False)
    grouped = abs(value) >= _ES_GROUP_FROM
    text = format_decimal(
        value,
        format=pattern if grouped else pattern.replace("#,##", ""),
        locale="es",
        decimal_quantization=False,
    )
    return text.replace(".", NBSP)


def integer(lang: str, n: int) -> str:
    """A whole number: "12,345" / "12 345"; "1,234" / "1234"."""
    return _format(lang, Decimal(int(n)), 0)


def decimal(lang: str, value: float | int | Decimal, places: int = 1) -> str:
    """A number with exactly `places` decimals, rounded half up: "0.13" / "0,13"."""
    return _format(lang, rounded(value, places), places)


def percent(lang: str, points: float | int | Decimal, places: int = 0) -> str:
    """A percentage given in points (70 for seventy per cent): "70%" / "70 %"."""
    shown = _format(lang, rounded(points, places), places)
    return f"{shown}%" if check_lang(lang) == "en" else f"{shown}{NBSP}%"


def proportion(lang: str, value: float | int | Decimal, places: int = PROPORTION_PLACES) -> str:
    """A proportion between 0 and 1: "0.70" / "0,70"."""
    return decimal(lang, value, places)


def shortest(lang: str, value: float | int | Decimal) -> str:
    """A number with as few decimals as it needs (axis ticks): "0.25" / "0,25", "1" / "1"."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    places = max(0, -exact.normalize().as_tuple().exponent)
    return _format(lang, exact, places)


def p_shown(p: float) -> tuple[str, Decimal]:
    """How a p-value is stated: ("=", rounded value) or ("<", P_FLOOR) — the number the text carries."""
    if Decimal(repr(float(p))) < P_FLOOR:
        return "<", P_FLOOR
    return "=", rounded(p, P_PLACES)


def p_value(lang: str, p: float) -> str:
    """A p-value as stated in running text: "p = 0.125" / "p = 0,125", "p < 0.001" / "p < 0,001"."""
    relation, value = p_shown(p)
    return f"p {relation} {_format(lang, value, P_PLACES)}"
