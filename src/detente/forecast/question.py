"""Forecasting questions: a stakeholder table coded from sources, tied to a date and a world.

A question file (YAML; the built-in ones live in ``detente/data/questions``) states the issue, the
date at which the forecast is made, a 0-100 (or other) scale with the meaning of its anchor
points, a threshold whose crossing is the event of interest, and one row per actor with its
position, salience, a note justifying the coding and the ids of the sources it was coded from.

Knowledge time. A row's position and salience are a coded judgement: ``evidence`` names the
sources they were coded from (default: the row's ``sources``, which may add later documents as
provenance). Some evidence must have been published before the question date (read at the
precision of the source's ``published`` date, as :meth:`detente.world.records.Source.known_before`
does): a row whose dated evidence all appeared on or after the date is coded with hindsight and is
reported as an error, by :func:`load_question` and by :func:`question_problems` (which
``detente world check`` runs on the built-in questions). An undated source does not hold a row
back, as in the world.

Capabilities are not typed in for states: ``capability: {from_world: milex}`` (or ``gdp``,
``population``, ``personnel``) takes the latest value the world knows strictly before the question
date (``world.at(date)``: the forecaster may not see later data), optionally compressed by
``transform: sqrt``. Actors without world data (a secretariat, a secretary general) carry an
explicit number in the same unit with a ``capability_note`` saying why.

Shape of a question file::

    id: nato-csto-2009
    title: ...
    date: 2009-09-18
    question: ...            # the question in words
    description: ...
    scale: {dimension: ..., min: 0, max: 100, anchors: {0: ..., 50: ..., 100: ...}}
    threshold: 50
    threshold_meaning: ...
    observed: {value: 0, note: ..., sources: [...]}     # optional: what happened
    capability: {from_world: milex, transform: sqrt, note: ...}
    actors:
      - {id: USA, position: 5, salience: 0.6, note: ..., evidence: [edm-2005], sources: [...]}
      - {id: NATO-SG, name: ..., capability: 10, capability_note: ..., position: 65, ...}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast, get_args

from detente.errors import InputError, Problem, UnknownIdError
from detente.forecast.table import StakeholderTable, table_from_mapping
from detente.yamlio import (
    YamlPath,
    iso_date,
    item_lines,
    line_at,
    package_data,
    parse_yaml,
    read_text_file,
    unknown_keys,
)

if TYPE_CHECKING:
    from detente.world import World

__all__ = [
    "CapabilityEntry",
    "ForecastQuestion",
    "builtin_questions",
    "is_question_file",
    "load_question",
    "question_path",
    "question_problems",
]

_TRANSFORMS = ("none", "sqrt")


@dataclass(frozen=True)
class CapabilityEntry:
    """Where one actor's capability came from.

    ``raw`` is the world's value (or the explicit number) before the transform; ``value`` is what
    the table holds. ``year`` and ``measure`` are set for world values, ``note`` for explicit ones
    and for world values the world had to fill (:func:`detente.world.fill_capability`).
    """

    actor: str
    raw: float
    value: float
    measure: str | None
    year: int | None
    unit: str | None
    sources: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class ForecastQuestion:
    """A forecasting question with its stakeholder table resolved against a world."""

    id: str
    title: str
    date: dt.date
    question: str
    table: StakeholderTable
    anchors: dict[str, str]
    threshold: float | None
    threshold_meaning: str | None
    capabilities: tuple[CapabilityEntry, ...]
    names: dict[str, str]
    observed: dict[str, Any] | None
    capability_note: str | None
    path: Path

    def summary(self) -> dict[str, Any]:
        """Metadata for listings and ``--json``."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat(),
            "question": self.question,
            "scale": {
                "dimension": self.table.dimensions[0],
                "min": float(self.table.bounds[0, 0]),
                "max": float(self.table.bounds[0, 1]),
                "anchors": self.anchors,
            },
            "threshold": self.threshold,
            "threshold_meaning": self.threshold_meaning,
            "observed": self.observed,
            "actors": len(self.table.actors),
        }


def _questions_dir() -> Path:
    return package_data("questions")


def builtin_questions() -> list[str]:
    """Ids of the built-in questions, sorted."""
    return sorted(p.stem for p in _questions_dir().glob("*.yaml"))


def question_path(ident: str) -> Path:
    """The file of built-in question ``ident``; :class:`UnknownIdError` lists the known ids."""
    path = _questions_dir() / f"{ident}.yaml"
    if not path.is_file():
        raise UnknownIdError("question", ident, builtin_questions())
    return path


def is_question_file(path: Path) -> bool:
    """Whether a YAML file is a question (has ``date`` and ``scale``) rather than a plain table."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        # the project's one hardened reader: a file it refuses is left to the table reader,
        # which reports the same fault at its place
        data, _ = parse_yaml(read_text_file(path), str(path), dates_as_text=False)
    except InputError:
        return False
    # a question has a date and says what it asks; a plain table has neither (a question file
    # that forgot its scale is still a question, and is told so)
    asks = (
        any(k in data for k in ("scale", "question", "threshold"))
        if isinstance(data, Mapping)
        else False
    )
    return isinstance(data, Mapping) and "date" in data and asks


def load_question(id_or_path: str | Path, world: World | None = None) -> ForecastQuestion:
    """Load a built-in question by id, or a question file by path, resolved against ``world``.

    ``world`` defaults to the built-in world. Raises :class:`UnknownIdError` for an unknown id and
    :class:`InputError` listing every problem in the file (file, line, field).
    """
    text_id = str(id_or_path)
    path = Path(text_id)
    if not (path.suffix.lower() in (".yaml", ".yml") or path.exists()):
        path = question_path(text_id)
    if world is None:
        from detente.world import builtin_world

        world = builtin_world()
    file = str(path)
    data, yaml_lines = parse_yaml(read_text_file(path), file, dates_as_text=False)
    lines = item_lines(yaml_lines, "actors")
    if not isinstance(data, Mapping):
        raise InputError(Problem(file, None, None, "expected a mapping (id, date, scale, actors)"))
    return _build_question(data, path, lines, world, yaml_lines)


#: The keys a question file may have: at the top, in ``scale``, ``capability``, ``observed``
#: and in each actor. Any other key is reported ("did you mean"), never dropped silently.
QUESTION_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {
    (): (
        "id",
        "title",
        "date",
        "question",
        "description",
        "scale",
        "threshold",
        "threshold_meaning",
        "observed",
        "capability",
        "actors",
    ),
    ("scale",): ("dimension", "min", "max", "anchors"),
    ("capability",): ("from_world", "transform", "note"),
    ("observed",): ("value", "note", "sources"),
    ("actors",): (
        "id",
        "name",
        "capability",
        "capability_note",
        "position",
        "salience",
        "note",
        "sources",
        "evidence",
    ),
}


def question_problems(id_or_path: str | Path, world: World | None = None) -> list[Problem]:
    """Every problem of a question (structure, sources, capabilities, knowledge time), as a list
    instead of an exception: what ``detente world check`` reports for the built-in questions."""
    try:
        load_question(id_or_path, world)
    except InputError as error:
        return list(error.problems)
    return []


class _Problems:
    def __init__(self, file: str, lines: dict[YamlPath, int] | None = None) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.lines = lines or {}

    def add(self, line: int | None, field: str | None, message: str) -> None:
        if line is None and field:  # a top-level field: the line it is on
            line = line_at(self.lines, (field.split(".")[0].split(",")[0],)) or None
        self.items.append(Problem(self.file, line, field, message))


def _unknown_keys(data: Mapping[str, Any], file: str, lines: dict[YamlPath, int]) -> list[Problem]:
    out = unknown_keys(data, QUESTION_KEYS[()], file, lines)
    for key in ("scale", "capability", "observed"):
        out += unknown_keys(data.get(key), QUESTION_KEYS[(key,)], file, lines, (key,))
    actors = data.get("actors")
    for i, entry in enumerate(actors if isinstance(actors, list) else []):
        out += unknown_keys(entry, QUESTION_KEYS[("actors",)], file, lines, ("actors", i))
    return out


def _build_question(
    data: Mapping[str, Any],
    path: Path,
    lines: Sequence[int],
    world: World,
    yaml_lines: dict[YamlPath, int] | None = None,
) -> ForecastQuestion:
    out = _Problems(str(path), yaml_lines)
    out.items += _unknown_keys(data, str(path), yaml_lines or {})
    date = _date(data.get("date"), out)
    covers = world.header.covers
    if date is not None and covers is not None and not covers[0] <= date <= covers[1]:
        out.add(
            None,
            "date",
            f"{date.isoformat()} is outside the world's coverage "
            f"({covers[0].isoformat()} to {covers[1].isoformat()}): the world knows nothing "
            "of that day",
        )
    scale = data.get("scale")
    if not isinstance(scale, Mapping):
        out.add(None, "scale", "expected a mapping with dimension, min, max and anchors")
        scale = {}
    lo, hi = scale.get("min"), scale.get("max")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi))
    if numbers and not float(lo) < float(hi):  # type: ignore[arg-type]
        out.add(None, "scale", f"min ({lo}) must be below max ({hi})")
    default_cap = data.get("capability")
    transform = _transform(default_cap, out)
    actors = data.get("actors")
    if not isinstance(actors, list):
        out.add(None, "actors", "expected a list of actors")
        actors = []
    rows: list[dict[str, Any]] = []
    entries: list[CapabilityEntry] = []
    snapshot = world.at(date) if date is not None else None
    for i, entry in enumerate(actors):
        line = lines[i] if i < len(lines) else None
        if not isinstance(entry, Mapping):
            out.add(line, f"actors[{i}]", "expected a mapping with id, position, salience")
            continue
        _check_coding(entry, i, line, world, out)
        if date is not None:
            _check_knowledge(entry, i, line, date, world, out)
        cap = _capability(entry, default_cap, transform, snapshot, i, line, out)
        if cap is not None:
            entries.append(cap)
        rows.append(dict(entry) | {"capability": cap.value if cap else math.nan})
    threshold = _threshold(data.get("threshold"), scale, out)
    if out.items:
        raise InputError(out.items)
    ident = str(data.get("id") or path.stem)
    mapping = {
        "name": ident,
        "description": data.get("description"),
        "dimensions": [str(scale.get("dimension") or ident)],
        "scale": {k: scale.get(k) for k in ("min", "max", "anchors")},
        "actors": rows,
    }
    table = table_from_mapping(mapping, file=str(path), name=ident, _lines=lines)
    assert date is not None  # no problems recorded, so the date parsed
    return ForecastQuestion(
        id=ident,
        title=str(data.get("title") or ident),
        date=date,
        question=str(data.get("question") or ""),
        table=table,
        anchors=dict(table.anchors or {}),
        threshold=threshold,
        threshold_meaning=_opt_str(data.get("threshold_meaning")),
        capabilities=tuple(entries),
        names={str(r["id"]): str(r.get("name") or _name(world, str(r["id"]))) for r in rows},
        observed=dict(data["observed"]) if isinstance(data.get("observed"), Mapping) else None,
        capability_note=_opt_str(default_cap.get("note"))
        if isinstance(default_cap, Mapping)
        else None,
        path=path,
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _name(world: World, actor: str) -> str:
    try:
        return world.name_of(actor)
    except Exception:  # an actor the world does not know (a secretariat): its id
        return actor


def _date(value: Any, out: _Problems) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    day = iso_date(str(value)) if isinstance(value, str) else None
    if day is None:
        # 20090918 (a number to YAML) or 2009-W38-5 would be read by fromisoformat as dates;
        # the files promise YYYY-MM-DD, so anything else is refused, not guessed
        out.add(None, "date", f"expected an ISO date YYYY-MM-DD, got {value!r}")
    return day


def _transform(spec: Any, out: _Problems) -> str:
    if spec is None:
        return "none"
    if not isinstance(spec, Mapping):
        out.add(None, "capability", "expected a mapping such as {from_world: milex}")
        return "none"
    transform = str(spec.get("transform", "none"))
    if transform not in _TRANSFORMS:
        out.add(None, "capability.transform", f"expected one of {_TRANSFORMS}, got {transform!r}")
        return "none"
    return transform


def _threshold(value: Any, scale: Mapping[str, Any], out: _Problems) -> float | None:
    if value is None:
        return None
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        out.add(None, "threshold", f"expected a number, got {value!r}")
        return None
    lo, hi = scale.get("min"), scale.get("max")
    if isinstance(lo, int | float) and isinstance(hi, int | float) and not lo <= threshold <= hi:
        out.add(None, "threshold", f"{threshold:g} is outside the scale {lo:g}..{hi:g}")
    return threshold


def _check_coding(
    entry: Mapping[str, Any], i: int, line: int | None, world: World, out: _Problems
) -> None:
    """Every row needs a justification and source ids the world knows."""
    place = f"actors[{i}]"
    if not str(entry.get("note") or "").strip():
        out.add(line, f"{place}, note", "every actor needs a note justifying its coding")
    sources = entry.get("sources")
    if not isinstance(sources, list) or not sources:
        out.add(line, f"{place}, sources", "every actor needs a list of source ids")
        return
    known = world.sources
    for s in sources:
        if known and str(s) not in known:
            out.add(line, f"{place}, sources", f"unknown source id {s!r} (not in the world)")
    evidence = entry.get("evidence")
    if evidence is None:
        return
    if not isinstance(evidence, list) or not evidence:
        out.add(line, f"{place}, evidence", "expected a non-empty list of source ids")
        return
    for s in evidence:
        if known and str(s) not in known:
            out.add(line, f"{place}, evidence", f"unknown source id {s!r} (not in the world)")


def _check_knowledge(
    entry: Mapping[str, Any], i: int, line: int | None, date: dt.date, world: World, out: _Problems
) -> None:
    """A position and salience must rest on some evidence published before the question date."""
    ids = entry.get("evidence", entry.get("sources"))
    if not isinstance(ids, list):
        return  # reported by _check_coding
    found = [world.sources[str(s)] for s in ids if str(s) in world.sources]
    if not found or len(found) < len(ids):
        return  # unknown ids are reported by _check_coding
    if any(s.published_latest() is None or s.known_before(date) for s in found):
        return  # some evidence was known in time (an undated source does not hold a row back)
    field = "evidence" if "evidence" in entry else "sources"
    dated = ", ".join(f"{s.id} ({s.published or s.date or s.year})" for s in found)
    out.add(
        line,
        f"actors[{i}], {field}",
        f"{entry.get('id')}: position and salience rest only on evidence published on or after "
        f"the question date {date.isoformat()} ({dated}): coded with hindsight; cite evidence "
        "published before the date, or leave the actor's coding out",
    )


def _capability(
    entry: Mapping[str, Any],
    default: Any,
    transform: str,
    snapshot: Any,
    i: int,
    line: int | None,
    out: _Problems,
) -> CapabilityEntry | None:
    """Resolve one row's capability: an explicit number, or a world measure before the date."""
    place = f"actors[{i}], capability"
    actor = str(entry.get("id") or "")
    spec = entry.get("capability", default)
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        if not str(entry.get("capability_note") or "").strip():
            out.add(line, place, "an explicit capability needs a capability_note saying why")
        if spec < 0:
            out.add(line, place, f"capability must be >= 0, got {spec:g}")
            return None
        return CapabilityEntry(
            actor,
            float(spec),
            _apply(float(spec), transform),
            None,
            None,
            None,
            (),
            _opt_str(entry.get("capability_note")),
        )
    if not isinstance(spec, Mapping) or "from_world" not in spec:
        out.add(line, place, "expected a number or {from_world: MEASURE}")
        return None
    measure = str(spec["from_world"])
    from detente.world.records import Measure  # here: a table file alone never loads the world
    from detente.world.snapshot import fill_capability

    measures: tuple[str, ...] = get_args(Measure)
    if measure not in measures:
        out.add(line, place, f"unknown measure {measure!r}; expected one of {measures}")
        return None
    if snapshot is None:
        return None
    # the world's one fill rule; a filled value says how in the entry's note
    value = fill_capability(snapshot, actor, cast(Measure, measure))
    if value is None:
        out.add(
            line,
            place,
            f"the world knows no {measure} value for {actor} before "
            f"{snapshot.date.isoformat()}; give an explicit capability with a capability_note",
        )
        return None
    return CapabilityEntry(
        actor,
        value.value,
        _apply(value.value, transform),
        measure,
        value.year,
        value.unit,
        tuple(value.sources),
        value.fill,  # says so when the figure was filled (carried forward or the floor)
    )


def _apply(value: float, transform: str) -> float:
    return math.sqrt(value) if transform == "sqrt" else value
