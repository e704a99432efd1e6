"""Stakeholder tables: who takes part in a decision, how strong they are, where they stand, how much
they care.

A table holds, for ``n`` actors and ``d`` issue dimensions, each actor's capability (``>= 0``, any
unit), position on each dimension's scale and salience on each dimension (``0..1``). This is the
input of Bueno de Mesquita's expected-utility model (1994) and of KAPSARC's spatial model of
politics (KTAB; Wise et al. 2015). Three file forms are read:

* plain CSV: ``Actor,Capability,Position,Salience`` (header case-insensitive; optional
  ``Description``/``Note`` and ``Source``/``Sources`` columns, sources separated by ``;``);
  one dimension, salience on ``0..1``, the scale is the range of the positions;
* KTAB's CSV: a first line ``name, description, nActors, nDims``, a header
  ``Actor, Description, Capability, <dim> Position, <dim> Salience, ...``; positions and saliences
  on ``0..100`` (salience divided by 100 on reading, as KTAB does), at most 100 % salience per
  actor;
* YAML: ``name, description, scale: {min, max, anchors}, dimensions, actors: [{id, capability,
  position, salience, note, sources}]`` (scalars for one dimension, lists for several).

Every problem in a file is collected and reported at once, each with its line and column, as an
:class:`~detente.errors.InputError`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.errors import InputError, Problem, UnknownIdError
from detente.yamlio import item_lines, parse_yaml, read_text_file, unknown_keys

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MIN_ACTORS", "StakeholderTable", "read_table", "table_from_mapping"]

FloatArray = NDArray[np.float64]

#: Fewest actors a bargaining model can work with (KTAB's lower limit, ``kmodel.h``).
MIN_ACTORS = 3

_YAML_SUFFIXES = (".yaml", ".yml")
_KTAB_SCALE = (0.0, 100.0)
#: Largest magnitude of any number in a table: beyond it the models' squares and sums of
#: products lose all precision or overflow (a capability in dollars is below 1e13).
MAX_MAGNITUDE = 1e15
#: Longest cell read from a CSV file, in characters.
MAX_CELL = 100_000


def _frozen_array(values: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    arr = np.array(values, dtype=np.float64).reshape(shape)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class StakeholderTable:
    """Actors' capabilities, positions and saliences on ``d`` issue dimensions.

    Attributes
    ----------
    name:
        Short name of the table (e.g. the question id or the KTAB scenario name).
    actors:
        ``n`` unique actor ids, in table order (ties in the models go to the earlier actor).
    capability:
        ``(n,)``, ``>= 0``; only ratios matter to the models.
    position:
        ``(n, d)`` on each dimension's scale.
    salience:
        ``(n, d)`` in ``[0, 1]``: the share of attention the actor gives each dimension.
    dimensions:
        ``d`` dimension names.
    bounds:
        ``(d, 2)``: scale minimum and maximum per dimension.
    notes:
        Per actor, the justification of its row (or ``None``).
    sources:
        Per actor, the ids of the sources its row was coded from.
    description:
        What the issue is, in words.
    anchors:
        What points of the scale mean, e.g. ``{"0": "no contact", "100": "formal partnership"}``.
    """

    name: str
    actors: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    dimensions: tuple[str, ...]
    bounds: FloatArray
    notes: tuple[str | None, ...] = ()
    sources: tuple[tuple[str, ...], ...] = ()
    description: str | None = None
    anchors: dict[str, str] | None = field(default=None)

    def __post_init__(self) -> None:
        n, d = len(self.actors), len(self.dimensions)
        set_ = object.__setattr__  # frozen: normalise once, here
        set_(self, "actors", tuple(self.actors))
        set_(self, "dimensions", tuple(self.dimensions))
        set_(self, "capability", _frozen_array(self.capability, (n,)))
        set_(self, "position", _frozen_array(self.position, (n, d)))
        set_(self, "salience", _frozen_array(self.salience, (n, d)))
        set_(self, "bounds", _frozen_array(self.bounds, (d, 2)))
        set_(self, "notes", tuple(self.notes) if self.notes else (None,) * n)
        set_(self, "sources", tuple(tuple(s) for s in self.sources) if self.sources else ((),) * n)
        if len(self.notes) != n or len(self.sources) != n:
            raise ValueError("notes and sources need one entry per actor")
        if len(set(self.actors)) != n:
            raise ValueError(f"actor ids must be unique: {self.actors}")

    @property
    def n(self) -> int:
        """Number of actors."""
        return len(self.actors)

    @property
    def d(self) -> int:
        """Number of dimensions."""
        return len(self.dimensions)

    def normalised_positions(self) -> FloatArray:
        """``(n, d)`` positions mapped to ``[0, 1]`` by each dimension's ``bounds``."""
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        width = np.where(hi > lo, hi - lo, 1.0)
        return np.asarray((self.position - lo) / width, dtype=np.float64)

    def dimension(self, i: int | str) -> StakeholderTable:
        """The one-dimensional table of dimension ``i`` (index or name)."""
        k = self.dimensions.index(i) if isinstance(i, str) else i
        if not -self.d <= k < self.d:
            raise IndexError(f"dimension {i} out of range for {self.d} dimensions")
        k %= self.d
        cut = slice(k, k + 1)
        return self._replace(
            dimensions=self.dimensions[cut],
            position=self.position[:, cut],
            salience=self.salience[:, cut],
            bounds=self.bounds[cut],
        )

    def without(self, actor_ids: Iterable[str]) -> StakeholderTable:
        """The table without ``actor_ids`` (e.g. for a drop-one-actor sensitivity run)."""
        drop = set(actor_ids)
        unknown = drop - set(self.actors)
        if unknown:
            raise UnknownIdError("actor", sorted(unknown)[0], self.actors)
        keep = [i for i, a in enumerate(self.actors) if a not in drop]
        return self._replace(
            actors=tuple(self.actors[i] for i in keep),
            capability=self.capability[keep],
            position=self.position[keep],
            salience=self.salience[keep],
            notes=tuple(self.notes[i] for i in keep),
            sources=tuple(self.sources[i] for i in keep),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per actor: ``capability``, then ``position``/``salience`` (one dimension) or
        ``position:<dim>``/``salience:<dim>`` (several), ``note`` and ``sources`` (``;``-joined).
        """
        import pandas as pd  # only frames need pandas; reading and running a table do not

        columns: dict[str, Any] = {"capability": self.capability}
        for k, dim in enumerate(self.dimensions):
            suffix = "" if self.d == 1 else f":{dim}"
            columns[f"position{suffix}"] = self.position[:, k]
            columns[f"salience{suffix}"] = self.salience[:, k]
        columns["note"] = list(self.notes)
        columns["sources"] = ["; ".join(s) for s in self.sources]
        return pd.DataFrame(columns, index=pd.Index(self.actors, name="actor"))

    def to_mapping(self) -> dict[str, Any]:
        """The table as plain data in the YAML form that :func:`table_from_mapping` reads back.

        One dimension gives scalar positions and saliences; a shared scale is written once, else
        ``scale`` is a list with one ``{min, max}`` per dimension.
        """
        one = self.d == 1
        lo_hi = [{"min": float(lo), "max": float(hi)} for lo, hi in self.bounds]
        scale: Any = lo_hi[0] if all(b == lo_hi[0] for b in lo_hi) else lo_hi
        if self.anchors is not None and isinstance(scale, dict):
            scale = {**scale, "anchors": dict(self.anchors)}
        actors = []
        for i, actor in enumerate(self.actors):
            pos, sal = self.position[i].tolist(), self.salience[i].tolist()
            entry: dict[str, Any] = {
                "id": actor,
                "capability": float(self.capability[i]),
                "position": pos[0] if one else pos,
                "salience": sal[0] if one else sal,
            }
            if self.notes[i] is not None:
                entry["note"] = self.notes[i]
            if self.sources[i]:
                entry["sources"] = list(self.sources[i])
            actors.append(entry)
        data: dict[str, Any] = {"name": self.name}
        if self.description is not None:
            data["description"] = self.description
        data.update({"scale": scale, "dimensions": list(self.dimensions), "actors": actors})
        return data

    def _replace(self, **changes: Any) -> StakeholderTable:
        return dataclasses.replace(self, **changes)


# --------------------------------------------------------------------------------------------
# Reading


def read_table(path: str | Path) -> StakeholderTable:
    """Read a stakeholder table from a plain CSV, a KTAB CSV or a YAML file.

    The form is chosen by content: ``.yaml``/``.yml`` files are YAML; a CSV whose first line
    holds at least two of ``Actor, Capability, Position, Salience`` is the plain form, anything
    else KTAB's form. Raises
    :class:`~detente.errors.InputError` listing every problem found.
    """
    path = Path(path)
    file = str(path)
    text = read_text_file(path, encoding="utf-8-sig")
    if not text.strip():
        raise InputError(Problem(file, None, None, "the file is empty"))
    if path.suffix.lower() in _YAML_SUFFIXES:
        return _read_yaml(text, file, default_name=path.stem)
    rows = _csv_rows(text, file)
    if not rows:
        raise InputError(Problem(file, None, None, "the file has no rows with any value"))
    if len({c.lower() for c in rows[0][1]} & set(_PLAIN_REQUIRED)) >= 2:
        return _read_plain_csv(rows, file, name=path.stem)
    return _read_ktab_csv(rows, file)


Row = tuple[int, list[str]]  # (line number in the file, cells)


def _csv_rows(text: str, file: str | None = None) -> list[Row]:
    """Non-blank rows with their line numbers; cells stripped, trailing empty cells dropped."""
    reader = csv.reader(io.StringIO(text))
    rows: list[Row] = []
    previous = csv.field_size_limit(MAX_CELL)
    try:
        for cells in reader:
            stripped = [c.strip() for c in cells]
            while stripped and not stripped[-1]:
                stripped.pop()
            if stripped:
                rows.append((reader.line_num, stripped))
    except csv.Error as exc:
        line = reader.line_num or None
        reason = str(exc)
        if "field larger" in reason:
            reason = f"a cell is longer than {MAX_CELL:,} characters"
        raise InputError(Problem(file, line, f"row {line}" if line else None, reason)) from None
    finally:
        csv.field_size_limit(previous)
    return rows


class _Collector:
    """Gathers problems and parsed numbers for one file."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int | None, where: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, where, message))

    def number(self, text: Any, line: int | None, where: str) -> float:
        """Parse a finite number, or record a problem and return NaN."""
        if isinstance(text, bool):
            self.add(line, where, f"expected a number, got {text!r}")
            return math.nan
        if isinstance(text, str) and "_" in text:
            # Python's float() reads 1_000 as 1000; a table cell is not Python source
            self.add(line, where, f"expected a number, got {_shorten(text)!r} (no '_' in numbers)")
            return math.nan
        try:
            value = float(text)
        except OverflowError:  # an int beyond the float range
            self.add(line, where, f"expected a finite number, got {_shorten(text)}")
            return math.nan
        except (TypeError, ValueError):
            shown = "nothing" if text is None else "an empty cell" if text == "" else repr(text)
            self.add(line, where, f"expected a number, got {_shorten(shown)}")
            return math.nan
        if not math.isfinite(value):
            self.add(line, where, f"expected a finite number, got {_shorten(text)}")
            return math.nan
        if abs(value) > MAX_MAGNITUDE:
            message = (
                f"{value:g} is beyond the largest magnitude a table may hold ({MAX_MAGNITUDE:g})"
            )
            self.add(line, where, message)
            return math.nan
        return value

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def _shorten(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


@dataclass
class _Draft:
    """Columns gathered while reading, before validation builds the table."""

    actors: list[str] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # "row 4" or "actors[3]"
    capability: list[float] = field(default_factory=list)
    position: list[list[float]] = field(default_factory=list)
    salience: list[list[float]] = field(default_factory=list)
    notes: list[str | None] = field(default_factory=list)
    sources: list[tuple[str, ...]] = field(default_factory=list)
    skipped: int = 0  # rows already reported as unreadable (still count as actors)


def _check_draft(
    draft: _Draft,
    out: _Collector,
    *,
    columns: Mapping[str, Sequence[str]],
    bounds: FloatArray | None,
    salience_scale: float = 1.0,
) -> None:
    """Record the problems common to every form: count, duplicates, ranges.

    ``columns`` names, per quantity (``"capability"``, ``"position"``, ``"salience"``, ``"actor"``),
    the column (or field) labels per dimension as they appear in the file.
    """
    found = len(draft.actors) + draft.skipped
    if found < MIN_ACTORS:
        out.add(None, None, f"a table needs at least {MIN_ACTORS} actors; found {found}")
    seen: dict[str, int] = {}
    for i, actor in enumerate(draft.actors):
        where = f"{draft.places[i]}, {columns['actor'][0]}"
        if not actor:
            out.add(draft.lines[i], where, "the actor id is empty")
        elif not actor.isprintable():
            shown = actor.encode("unicode_escape").decode("ascii")
            out.add(draft.lines[i], where, f"the actor id {shown!r} holds a control character")
        elif actor in seen:
            out.add(draft.lines[i], where, f"duplicate actor {actor!r} (first at {seen[actor]})")
        else:
            seen[actor] = i + 1
        _check_row(draft, i, out, columns, bounds, salience_scale)


def _check_row(
    draft: _Draft,
    i: int,
    out: _Collector,
    columns: Mapping[str, Sequence[str]],
    bounds: FloatArray | None,
    salience_scale: float,
) -> None:
    # NaN marks a cell already reported as not a number; comparisons with it are all False.
    line, place = draft.lines[i], draft.places[i]
    if draft.capability[i] < 0:
        where = f"{place}, {columns['capability'][0]}"
        out.add(line, where, f"capability must be >= 0, got {draft.capability[i]:g}")
    for k, value in enumerate(draft.salience[i]):
        if value < 0 or value > salience_scale:
            where = f"{place}, {columns['salience'][k]}"
            out.add(line, where, f"salience must be in [0, {salience_scale:g}], got {value:g}")
    if bounds is not None:
        for k, value in enumerate(draft.position[i]):
            lo, hi = bounds[k]
            if value < lo or value > hi:
                where = f"{place}, {columns['position'][k]}"
                out.add(line, where, f"position {value:g} is outside the scale {lo:g}..{hi:g}")


def _data_bounds(position: list[list[float]], d: int) -> FloatArray:
    """Scale bounds from the data when the file states none: the positions' range.

    A dimension on which every actor stands at the same point has no range; it gets one unit on
    either side of that point, so that the models (which measure distances in units of the
    scale) and the perturbations (a share of the scale) stay defined. Nobody can move there
    anyway: the forecast is the common position.
    """
    pos = np.array(position, dtype=np.float64).reshape(-1, d)
    if pos.size == 0 or not np.all(np.isfinite(pos)):
        return np.tile([0.0, 1.0], (d, 1))
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    flat = hi <= lo
    return np.stack([np.where(flat, lo - 1.0, lo), np.where(flat, hi + 1.0, hi)], axis=1)


def _split_sources(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(s.strip() for s in text.split(";") if s.strip())


# ---- plain CSV


_PLAIN_REQUIRED = ("actor", "capability", "position", "salience")
_PLAIN_NOTE = ("description", "note", "notes")
_PLAIN_SOURCE = ("source", "sources")


def _read_plain_csv(rows: list[Row], file: str, *, name: str) -> StakeholderTable:
    out = _Collector(file)
    header_line, header = rows[0]
    lower = [h.lower() for h in header]
    missing = [c for c in _PLAIN_REQUIRED if c not in lower]
    for c in missing:
        out.add(header_line, f"row {header_line}", f"missing column {c.capitalize()!r}")
    for h in set(lower):
        if lower.count(h) > 1:
            out.add(header_line, f"row {header_line}", f"column {h!r} appears more than once")
    out.raise_if_any()
    col = {h: lower.index(h) for h in lower}
    label = {h: header[col[h]] for h in col}
    note_col = next((col[h] for h in _PLAIN_NOTE if h in col), None)
    source_col = next((col[h] for h in _PLAIN_SOURCE if h in col), None)
    needed = max(col[c] for c in _PLAIN_REQUIRED) + 1
    draft = _Draft()
    for line, cells in rows[1:]:
        if not needed <= len(cells) <= len(header):
            out.add(line, f"row {line}", f"{len(cells)} cells for {len(header)} columns")
            draft.skipped += 1
            continue
        cells = cells + [""] * (len(header) - len(cells))  # empty trailing optional cells
        place = f"row {line}"
        draft.actors.append(cells[col["actor"]])
        draft.lines.append(line)
        draft.places.append(place)

        def cell(key: str, cells: list[str] = cells, line: int = line, place: str = place) -> float:
            return out.number(cells[col[key]], line, f"{place}, column {label[key]}")

        draft.capability.append(cell("capability"))
        draft.position.append([cell("position")])
        draft.salience.append([cell("salience")])
        draft.notes.append((cells[note_col] or None) if note_col is not None else None)
        draft.sources.append(_split_sources(cells[source_col]) if source_col is not None else ())
    labels = {k: [f"column {label[k]}"] for k in _PLAIN_REQUIRED}
    _check_draft(draft, out, columns=labels, bounds=None)
    out.raise_if_any()
    return _build(draft, name=name, dimensions=(name,), bounds=_data_bounds(draft.position, 1))


def _build(
    draft: _Draft,
    *,
    name: str,
    dimensions: tuple[str, ...],
    bounds: FloatArray,
    description: str | None = None,
    anchors: dict[str, str] | None = None,
) -> StakeholderTable:
    return StakeholderTable(
        name=name,
        actors=tuple(draft.actors),
        capability=np.array(draft.capability),
        position=np.array(draft.position),
        salience=np.array(draft.salience),
        dimensions=dimensions,
        bounds=bounds,
        notes=tuple(draft.notes),
        sources=tuple(draft.sources),
        description=description,
        anchors=anchors,
    )


# ---- KTAB CSV


def _dimension_name(header: str) -> str:
    """``"Policy Position"`` -> ``"Policy"``; KTAB's ``"Pstn1"`` stays as it is."""
    words = header.split()
    if len(words) > 1 and words[-1].lower() == "position":
        return " ".join(words[:-1])
    return header


def _read_ktab_csv(rows: list[Row], file: str) -> StakeholderTable:
    """KTAB's ``smpread.cpp`` form: scenario line, header line, one row per actor."""
    out = _Collector(file)
    (first_line, first), rest = rows[0], rows[1:]
    if len(first) < 4:
        need = "KTAB's form needs 'name, description, nActors, nDims' on the first line"
        out.add(first_line, f"row {first_line}", need + " (or use Actor,Capability,... columns)")
        out.raise_if_any()
    declared_n = out.number(first[2], first_line, f"row {first_line}, column 3 (actors)")
    declared_d = out.number(first[3], first_line, f"row {first_line}, column 4 (dimensions)")
    if not rest:
        out.add(first_line, None, "no header line after the scenario line")
        out.raise_if_any()
    header_line, header = rest[0]
    d = (len(header) - 3) // 2
    if len(header) < 5 or (len(header) - 3) % 2:
        need = "Actor, Description, Capability, then a Position and a Salience per dimension"
        out.add(header_line, f"row {header_line}", f"the header must be {need}")
        out.raise_if_any()
    if math.isfinite(declared_d) and declared_d != d:
        message = f"declares {declared_d:g} dimensions; the header has {d}"
        out.add(first_line, f"row {first_line}, column 4 (dimensions)", message)
    draft = _ktab_rows(rest[1:], header, out)
    found = len(draft.actors) + draft.skipped  # ragged rows are reported on their own
    if math.isfinite(declared_n) and declared_n != found:
        message = f"declares {declared_n:g} actors; the file has {found}"
        out.add(first_line, f"row {first_line}, column 3 (actors)", message)
    labels = {
        "actor": [f"column {header[0]}"],
        "capability": [f"column {header[2]}"],
        "position": [f"column {header[3 + 2 * k]}" for k in range(d)],
        "salience": [f"column {header[4 + 2 * k]}" for k in range(d)],
    }
    bounds = np.tile(_KTAB_SCALE, (d, 1))
    _check_draft(draft, out, columns=labels, bounds=bounds, salience_scale=100.0)
    for i, sal in enumerate(draft.salience):
        if sum(sal) > 100.0 + 1e-9:
            out.add(draft.lines[i], draft.places[i], f"saliences sum to {sum(sal):g} % (> 100 %)")
    out.raise_if_any()
    draft.salience = [[v / 100.0 for v in sal] for sal in draft.salience]
    return _build(
        draft,
        name=first[0],
        dimensions=tuple(_dimension_name(header[3 + 2 * k]) for k in range(d)),
        bounds=bounds,
        description=first[1] or None,
    )


def _ktab_rows(rows: list[Row], header: list[str], out: _Collector) -> _Draft:
    draft = _Draft()
    d = (len(header) - 3) // 2
    for line, cells in rows:
        place = f"row {line}"
        if len(cells) != len(header):
            out.add(line, place, f"{len(cells)} cells for {len(header)} columns")
            draft.skipped += 1
            continue

        def cell(c: int, cells: list[str] = cells, line: int = line, place: str = place) -> float:
            return out.number(cells[c], line, f"{place}, column {header[c]}")

        draft.actors.append(cells[0])
        draft.lines.append(line)
        draft.places.append(place)
        draft.notes.append(cells[1] or None)
        draft.sources.append(())
        draft.capability.append(cell(2))
        draft.position.append([cell(3 + 2 * k) for k in range(d)])
        draft.salience.append([cell(4 + 2 * k) for k in range(d)])
    return draft


# ---- YAML


def _read_yaml(text: str, file: str, *, default_name: str) -> StakeholderTable:
    data, lines = parse_yaml(text, file, dates_as_text=False)
    if not isinstance(data, Mapping):
        raise InputError(Problem(file, None, None, "expected a mapping with an 'actors' list"))
    # a misspelt key is reported at its line, never dropped without a word
    unknown = unknown_keys(data, TABLE_KEYS, file, lines)
    unknown += unknown_keys(data.get("scale"), SCALE_KEYS, file, lines, ("scale",))
    actors = data.get("actors")
    for i, entry in enumerate(actors if isinstance(actors, list) else []):
        unknown += unknown_keys(entry, ACTOR_KEYS, file, lines, ("actors", i))
    try:
        table = table_from_mapping(
            data, file=file, name=default_name, _lines=item_lines(lines, "actors")
        )
    except InputError as exc:
        raise InputError([*unknown, *exc.problems]) from None
    if unknown:
        raise InputError(unknown)
    return table


#: The keys a YAML table, its ``scale`` and each of its actors may have.
TABLE_KEYS = ("name", "description", "scale", "dimensions", "actors")
SCALE_KEYS = ("min", "max", "anchors", "dimension")
ACTOR_KEYS = ("id", "name", "capability", "position", "salience", "note", "sources")


def table_from_mapping(
    data: Mapping[str, Any],
    *,
    file: str | None = None,
    name: str | None = None,
    _lines: Sequence[int] = (),
) -> StakeholderTable:
    """Build a table from already-parsed YAML/JSON (e.g. a question file).

    Keys: ``name`` (else ``name``, the argument), ``description``, ``scale: {min, max, anchors}``
    (one scale for every dimension, or a list with one per dimension; without it the positions'
    range), ``dimensions`` (names; one
    dimension named after the table by default) and ``actors``: a list of ``{id, capability,
    position, salience, note, sources}``; ``position``/``salience`` are scalars for one dimension
    or lists with one value per dimension; salience on ``0..1``. Unknown keys are ignored here
    (a table *file* reports them).
    """
    if not isinstance(data, Mapping):
        raise InputError(Problem(file, None, None, "expected a mapping with an 'actors' list"))
    out = _Collector(file)
    table_name = str(data.get("name") or name or "table")
    dimensions = _yaml_dimensions(data, table_name, out)
    bounds, anchors = _yaml_scale(data.get("scale"), len(dimensions), out)
    actors = data.get("actors")
    if not isinstance(actors, list):
        out.add(None, "actors", "expected a list of actors")
        out.raise_if_any()
    draft = _Draft()
    for i, entry in enumerate(actors):  # type: ignore[arg-type]
        line = _lines[i] if i < len(_lines) else None
        _yaml_actor(entry, i, line, len(dimensions), draft, out)
    labels = {
        "actor": ["id"],
        "capability": ["capability"],
        "position": [_indexed("position", k, len(dimensions)) for k in range(len(dimensions))],
        "salience": [_indexed("salience", k, len(dimensions)) for k in range(len(dimensions))],
    }
    _check_draft(draft, out, columns=labels, bounds=bounds)
    out.raise_if_any()
    if bounds is None:
        bounds = _data_bounds(draft.position, len(dimensions))
    description = data.get("description")
    return _build(
        draft,
        name=table_name,
        dimensions=dimensions,
        bounds=bounds,
        description=str(description) if description is not None else None,
        anchors=anchors,
    )


def _indexed(key: str, k: int, d: int) -> str:
    return key if d == 1 else f"{key}[{k}]"


def _yaml_dimensions(data: Mapping[str, Any], name: str, out: _Collector) -> tuple[str, ...]:
    dims = data.get("dimensions")
    if dims is None:
        return (name,)
    if isinstance(dims, str):
        return (dims,)
    if not isinstance(dims, list) or not dims or not all(isinstance(x, str) for x in dims):
        out.add(None, "dimensions", "expected a list of dimension names")
        return (name,)
    twice = sorted({x for x in dims if dims.count(x) > 1})
    if twice:
        out.add(None, "dimensions", f"names a dimension twice: {', '.join(twice)}")
    return tuple(dims)


def _yaml_scale(
    scale: Any, d: int, out: _Collector
) -> tuple[FloatArray | None, dict[str, str] | None]:
    """``scale: {min, max, anchors}`` -> bounds ``(d, 2)`` (or ``None``) and anchors."""
    if scale is None:
        return None, None
    if isinstance(scale, list) and len(scale) == d and all(isinstance(x, Mapping) for x in scale):
        per_dim = [_yaml_scale(x, 1, out) for x in scale]
        if any(b is None for b, _ in per_dim):
            return None, per_dim[0][1]
        return np.concatenate([b for b, _ in per_dim if b is not None]), per_dim[0][1]
    if not isinstance(scale, Mapping):
        out.add(None, "scale", "expected a mapping with min and max")
        return None, None
    lo = out.number(scale.get("min"), None, "scale.min")
    hi = out.number(scale.get("max"), None, "scale.max")
    anchors = scale.get("anchors")
    if anchors is not None and not isinstance(anchors, Mapping):
        out.add(None, "scale.anchors", "expected a mapping from scale points to meanings")
        anchors = None
    labels = {str(k): str(v) for k, v in anchors.items()} if anchors else None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None, labels
    if not hi > lo:
        out.add(None, "scale", f"min ({lo:g}) must be below max ({hi:g})")
        return None, labels
    return np.tile([lo, hi], (d, 1)), labels


def _yaml_actor(
    entry: Any, i: int, line: int | None, d: int, draft: _Draft, out: _Collector
) -> None:
    place = f"actors[{i}]"
    if not isinstance(entry, Mapping):
        out.add(line, place, "expected a mapping with id, capability, position, salience")
        draft.skipped += 1
        return
    ident = entry.get("id")
    if ident is not None and not isinstance(ident, str | int):
        out.add(line, f"{place}.id", f"expected a text id, got {ident!r}")
    draft.actors.append("" if ident is None else str(ident))
    draft.lines.append(line)
    draft.places.append(place)
    draft.capability.append(out.number(entry.get("capability"), line, f"{place}, capability"))
    draft.position.append(_yaml_vector(entry.get("position"), d, line, f"{place}, position", out))
    draft.salience.append(_yaml_vector(entry.get("salience"), d, line, f"{place}, salience", out))
    note = entry.get("note")
    draft.notes.append(None if note is None else str(note))
    draft.sources.append(_yaml_sources(entry.get("sources"), line, place, out))


def _yaml_vector(value: Any, d: int, line: int | None, where: str, out: _Collector) -> list[float]:
    """A scalar (one dimension) or a list of ``d`` numbers."""
    if not isinstance(value, list):
        value = [value]
    if len(value) != d:
        out.add(line, where, f"expected {d} values (one per dimension), got {len(value)}")
        return [math.nan] * d
    return [out.number(v, line, _indexed(where, k, d)) for k, v in enumerate(value)]


def _yaml_sources(value: Any, line: int | None, place: str, out: _Collector) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return _split_sources(value)
    if isinstance(value, list) and all(isinstance(s, str | int) for s in value):
        return tuple(str(s) for s in value)
    out.add(line, f"{place}, sources", "expected a list of source ids")
    return ()
