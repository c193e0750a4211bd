"""Write what the notebooks produce: figures (PNG + SVG), alt text and tables, byte-for-byte reproducibly.

Same data give the same bytes: PNG and SVG carry no software version or date, SVG ids
come from a fixed salt, and tables are written with fixed encoding and line endings.
Names derived from data pass through `safe_name`, so no value can write outside the
output directory.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from synergies.vocabulary import TABLE_NAME_ATTR

PNG_DPI = 200
SVG_HASH_SALT = "synergies"
MAX_NAME_CHARS = 80
TABLES_SUBDIR = "tables"


@dataclass(frozen=True)
class SavedFigure:
    """Where one figure was written: its PNG, SVG and alt-text files."""

    png: Path
    svg: Path
    alt: Path


def safe_name(text: str, fallback: str = "unnamed") -> str:
    """A file-name stem from any text: lowercase ASCII letters, digits, underscores and single hyphens.

    Accents are folded ("Perú" -> "peru"); spaces, dots, slashes and control characters
    become hyphens, so "../x", "a/b" or a NUL can never leave the directory it is joined to.
    """
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_]+", "-", folded.lower()).strip("-_")
    slug = slug[:MAX_NAME_CHARS].rstrip("-_")
    return slug or fallback


def _inside(directory: Path, name: str, suffix: str) -> Path:
    """Path of `name` + `suffix` in `directory`, refusing anything that would resolve outside it."""
    stem = safe_name(name)
    path = directory / f"{stem}{suffix}"
    if path.resolve().parent != directory.resolve():
        raise ValueError(f"refusing to write {path} outside {directory}")
    return path


# The language text is shaped in. Left unset, matplotlib's text layout (libraqm/HarfBuzz) takes
# it from the process locale, and under es_ES.UTF-8 or es_CO.UTF-8 the PNG and SVG bytes differ
# from those made under C or en_US. Pinned, the same figure gives the same bytes in any locale
# (this value gives exactly the bytes of the C locale).
TEXT_LANGUAGE = "en"


def pin_text_language(fig: Figure) -> None:
    """Give every text of `fig` that has no language of its own TEXT_LANGUAGE (locale-free bytes)."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if text.get_language() is None:
            text.set_language(TEXT_LANGUAGE)


def save_figure(fig: Figure, figures_dir: str | Path, name: str, alt_text: str) -> SavedFigure:
    """Save `fig` as NAME.png (200 dpi) and NAME.svg with NAME.alt.txt beside them; same figure, same bytes.

    Each figure gets its own alt-text file, so notebooks running in parallel never write
    to one shared file.
    """
    directory = Path(figures_dir)
    directory.mkdir(parents=True, exist_ok=True)
    png, svg, alt = (_inside(directory, name, s) for s in (".png", ".svg", ".alt.txt"))
    pin_text_language(fig)
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
        fig.savefig(png, dpi=PNG_DPI, metadata={"Software": None})
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
    alt.write_text(alt_text.strip() + "\n", encoding="utf-8", newline="\n")
    return SavedFigure(png=png, svg=svg, alt=alt)


def write_table(frame: pd.DataFrame, output_dir: str | Path, name: str) -> Path:
    """Write `frame` to <output_dir>/tables/NAME.csv as UTF-8 with LF line endings and no index.

    The file's name is recorded in `frame.attrs` (vocabulary.TABLE_NAME_ATTR), so that a
    table shown in part (site.tables.for_people) names the CSV holding all its rows; see
    `written_table` for why the record also identifies the frame.
    """
    directory = Path(output_dir) / TABLES_SUBDIR
    directory.mkdir(parents=True, exist_ok=True)
    path = _inside(directory, name, ".csv")
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    frame.attrs[TABLE_NAME_ATTR] = {"name": path.stem, "frame": _identity(frame)}
    return path


def _identity(frame: pd.DataFrame) -> tuple:
    """What tells the frame written apart from frames derived from it: the object, its shape, its columns."""
    return (id(frame), frame.shape, tuple(str(c) for c in frame.columns))


def written_table(frame: pd.DataFrame) -> str:
    """The name of the CSV under tables/ that `write_table` wrote this very frame to, else "".

    pandas copies `attrs` to every frame derived from a written one (a filter, a sort, a copy,
    a merge), so the name alone would make a subset of 500 rows call its parent's CSV "the full
    table". The record also holds the written frame's identity (the object, its shape and its
    columns, checked without reading the data), so only the frame that was written, unchanged in
    shape and columns, gets the name; a derived frame, or one given a column or rows in place
    after writing, gets "".
    """
    record = frame.attrs.get(TABLE_NAME_ATTR)
    if not isinstance(record, dict) or record.get("frame") != _identity(frame):
        return ""
    return str(record.get("name", ""))


def figure_image(saved: SavedFigure, alt_text: str):
    """The saved PNG for display in a notebook, at its printed size, carrying its alt text as metadata."""
    from IPython.display import Image  # only notebooks need IPython; keep it out of the package's imports

    return Image(filename=str(saved.png), retina=True, metadata={"alt": alt_text})
