"""The rows a sentence rests on, as a row set per contract file: an index array, not an object per row.

A sentence about a country of 5,000 findings cites 5,000 rows. `RefSet` keeps them as one sorted
array of row numbers per file, numbered in the *citation order* of that file's rows (natural order of
their keys: F2 before F10), so de-duplicating and ordering a citation is an array operation and the
narrative's memory does not grow by an object per cited row. `RowIndex` numbers each file's rows once
per narrative. Iterating a RefSet still yields `Ref(file, key)`, in citation order, for readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from synergies.load import Evidence
from synergies.narrative.model import _TRAILING_NUMBER, Ref, natural_key
from synergies.narrative.phrases import REF_FILES

# The key columns of each file's rows, as a citation names them.
KEY_COLUMNS = {
    "findings.csv": ("finding_id",),
    "cases.csv": ("country", "case"),
    "programmes.csv": ("country", "programme"),
    "institutional.csv": ("country", "case", "factor"),
    "domains.csv": ("domain",),
    "sources.csv": ("source_id",),
}
_FRAMES = {
    "findings.csv": "findings",
    "cases.csv": "cases",
    "programmes.csv": "programmes",
    "institutional.csv": "institutional",
    "domains.csv": "domains",
    "sources.csv": "sources",
}


_SIMPLE_ID = re.compile(r"(\D*)(\d+)")


def _citation_order(raw: list[tuple[str, ...]]) -> list[int]:
    """Row positions sorted by the natural order of their keys (`model.natural_key`: F2 before F10).

    Ids of one letter prefix and a number ("F00123", the usual form) sort by (prefix, number), which
    is what natural_key gives them, without building a key tuple per part; any other key falls back
    to natural_key itself. Ties keep table order in both, as sorted() is stable.
    """
    if raw and len(raw[0]) == 1:
        ordered = _simple_order([key[0] for key in raw])
        if ordered is not None:
            return ordered
        parsed = [_SIMPLE_ID.fullmatch(key[0]) for key in raw]
        if all(parsed):
            simple = [(m.group(1).casefold(), int(m.group(2))) for m in parsed]  # type: ignore[union-attr]
            return sorted(range(len(raw)), key=simple.__getitem__)
    return sorted(range(len(raw)), key=lambda i: [natural_key(k) for k in raw[i]])


def _simple_order(ids: list[str]) -> list[int] | None:
    """`_citation_order` of ids that are all ASCII letters-then-digits ("F00123"), in Arrow and numpy.

    The prefix and number of each id come from one Arrow regex over the column and rows are ordered by
    one stable lexsort on (rank of the case-folded prefix, number): the order the (prefix, number) sort
    gives, at 10^5 ids without a regex match and a tuple per id. None (use the general sort) when an id
    is not of that form, is not ASCII (Arrow's digits are ASCII ones, Python's any decimal digit), or
    has a number too long for 64 bits.
    """
    column = pa.array(ids, type=pa.string())
    if not pc.all(pc.string_is_ascii(column)).as_py():
        return None
    parts = pc.extract_regex(column, r"^(?P<prefix>\D*)(?P<number>\d+)$")
    if parts.null_count:
        return None
    digits = pc.struct_field(parts, "number")
    if pc.max(pc.utf8_length(digits)).as_py() > 18:
        return None
    number = pc.cast(digits, pa.int64()).to_numpy()
    codes, uniques = pd.factorize(pc.struct_field(parts, "prefix").to_numpy(zero_copy_only=False))
    rank = pd.factorize(pd.Index([u.casefold() for u in uniques], dtype=object), sort=True)[0]
    return np.lexsort((number, rank[codes])).tolist()


class _FileRows:
    """One file's keys in citation order, and each key's citation number."""

    def __init__(self, file: str, frame: pd.DataFrame | None) -> None:
        columns = KEY_COLUMNS[file]
        if frame is None or frame.empty:
            raw: list[tuple[str, ...]] = []
        else:
            raw = list(zip(*(frame[c].astype(str).tolist() for c in columns), strict=True))
        order = _citation_order(raw)
        self.keys: list[tuple[str, ...]] = [raw[i] for i in order]
        self.number = {key: n for n, key in enumerate(self.keys)}
        self._runs: tuple[np.ndarray, np.ndarray] | None = None
        self.by_id: dict[str, int] | None = None  # single-column keys by their one value

    def run_parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per row (citation order): a code for the id's text before its trailing digits and their
        width, and the trailing number (-1 if none): what `model._id_items` compares to find runs."""
        if self._runs is None:
            codes: dict[tuple[str, int], int] = {}
            code = np.full(len(self.keys), -1, dtype=np.int64)
            number = np.full(len(self.keys), -1, dtype=np.int64)
            for n, key in enumerate(self.keys):
                match = _TRAILING_NUMBER.fullmatch(key[0])
                if match:
                    code[n] = codes.setdefault((match.group(1), len(match.group(2))), len(codes))
                    number[n] = int(match.group(2))
            self._runs = (code, number)
        return self._runs


class RowIndex:
    """Every contract file's rows numbered in citation order, made lazily, once per narrative."""

    def __init__(self, ev: Evidence) -> None:
        self.ev = ev
        self._files: dict[str, _FileRows] = {}

    def file(self, file: str) -> _FileRows:
        """The numbering of `file`'s rows."""
        if file not in self._files:
            if file not in KEY_COLUMNS:
                raise ValueError(f"a sentence cites the unknown file {file!r}: expected one of {REF_FILES}")
            self._files[file] = _FileRows(file, getattr(self.ev, _FRAMES[file]))
        return self._files[file]

    def numbers(self, file: str, keys: Iterable[tuple[str, ...]]) -> np.ndarray:
        """The citation numbers of these keys of `file`; a key that is no row of it is an error."""
        rows = self.file(file)
        out = []
        for key in keys:
            found = rows.number.get(tuple(str(k) for k in key))
            if found is None:
                raise ValueError(f"a sentence cites {file} row {'/'.join(key)!r}, which is no row of it")
            out.append(found)
        return np.asarray(out, dtype=np.int64)

    def of(self, refs: Iterable[Ref]) -> RefSet:
        """A RefSet from Ref objects (row keys looked up once each)."""
        by_file: dict[str, list[tuple[str, ...]]] = {}
        for ref in refs:
            by_file.setdefault(ref.file, []).append(ref.key)
        return RefSet(self, {file: self.numbers(file, keys) for file, keys in by_file.items()})

    def findings(self, ids: Iterable[str]) -> RefSet:
        """The findings with these ids (one dict lookup per id: sentences cite thousands)."""
        rows = self.file("findings.csv")
        if rows.by_id is None:
            rows.by_id = {key[0]: n for key, n in rows.number.items()}
        by_id = rows.by_id
        ids = list(ids)  # read twice when an id is not found
        try:
            numbers = [by_id[i] for i in ids]
        except (KeyError, TypeError):
            return RefSet(self, {"findings.csv": self.numbers("findings.csv", ((str(i),) for i in ids))})
        return RefSet(self, {"findings.csv": np.asarray(numbers, dtype=np.int64)})


class RefSet:
    """The rows one sentence cites: per file, a sorted array of unique citation numbers."""

    __slots__ = ("_index", "_rows", "_tuple")

    def __init__(self, index: RowIndex | None, rows: dict[str, np.ndarray] | None = None) -> None:
        self._index = index
        self._rows: dict[str, np.ndarray] = {}
        for file in REF_FILES:
            numbers = (rows or {}).get(file)
            if numbers is not None and len(numbers):
                self._rows[file] = np.unique(numbers)
        self._tuple: tuple[Ref, ...] | None = None

    @classmethod
    def empty(cls) -> RefSet:
        """No rows."""
        return cls(None)

    def __or__(self, other: RefSet) -> RefSet:
        if not other._rows:
            return self
        if not self._rows:
            return other
        files = set(self._rows) | set(other._rows)
        none = np.empty(0, np.int64)
        merged = {f: np.concatenate([self._rows.get(f, none), other._rows.get(f, none)]) for f in files}
        return RefSet(self._index or other._index, merged)

    def files(self) -> list[str]:
        """The files cited, in citation order."""
        return list(self._rows)

    def keys(self, file: str) -> list[tuple[str, ...]]:
        """The keys of the rows of `file` cited, in citation order."""
        numbers = self._rows.get(file)
        if numbers is None or self._index is None:
            return []
        keys = self._index.file(file).keys
        return [keys[n] for n in numbers.tolist()]

    def id_items(self, file: str, limit: int) -> tuple[list[list[str]], int]:
        """The first `limit` items a citation prints for `file`'s rows, and how many rows the rest hold.

        An item is a run of three or more consecutive ids (F03, F04, F05 → its first and last id) or
        one id, exactly as `model._id_items` makes them, found with array operations on the row
        numbers instead of parsing every id of every citation again.
        """
        numbers = self._rows.get(file)
        if numbers is None or self._index is None:
            return [], 0
        rows = self._index.file(file)
        code, number = (a[numbers] for a in rows.run_parts())
        follows = np.zeros(len(numbers), dtype=bool)
        follows[1:] = (code[1:] == code[:-1]) & (code[1:] >= 0) & (number[1:] == number[:-1] + 1)
        starts = np.flatnonzero(~follows)
        ends = np.append(starts[1:], len(numbers))
        out: list[list[str]] = []
        used = 0
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if len(out) >= limit:
                break
            ids = [rows.keys[n][0] for n in numbers[start:end].tolist()]
            if len(ids) >= 3:
                out.append([ids[0], ids[-1]])
                used += len(ids)
                continue
            for ident in ids:
                if len(out) < limit:
                    out.append([ident])
                    used += 1
        return out, len(numbers) - used

    def count(self, file: str) -> int:
        """How many rows of `file` are cited."""
        numbers = self._rows.get(file)
        return 0 if numbers is None else len(numbers)

    def _refs(self) -> tuple[Ref, ...]:
        if self._tuple is None:
            self._tuple = tuple(Ref(file, key) for file in self._rows for key in self.keys(file))
        return self._tuple

    def __iter__(self) -> Iterator[Ref]:
        return iter(self._refs())

    def __len__(self) -> int:
        return sum(len(v) for v in self._rows.values())

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __getitem__(self, i: int) -> Ref:
        return self._refs()[i]

    def _signature(self) -> tuple:
        return tuple((f, v.tobytes()) for f, v in self._rows.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RefSet):
            return self._signature() == other._signature()
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._signature())

    def __repr__(self) -> str:
        return f"RefSet({', '.join(f'{f}: {len(v)} rows' for f, v in self._rows.items())})"
