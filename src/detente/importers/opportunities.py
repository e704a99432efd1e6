"""Decision opportunities (episodes) from a user's own COW IGO or ATOP file.

The built-in generated opportunities (:mod:`detente.decisions.opportunities`) are drawn from the
world; these are drawn from the field's data sets, which Détente may not ship (the user supplies
the files). Each opportunity is a membership :class:`~detente.decisions.Episode` with origin
``generated``, dated 1 January of the year ``Y`` in which the decision was possible, so that a
forecast reads the world as known at the end of ``Y - 1``; its outcome is what the file records
at the end of ``Y``. Case-control sampling as in the Political Instability Task Force's design
(Goldstone et al. 2010): every event is kept, and either each non-event with probability
``keep_non_events`` (one seeded draw per opportunity in file order) or ``controls`` non-events
per event (drawn without replacement, seeded), so the same file and seed give the same episodes.

**COW IGO v3** (state-year file ``state_year_formatv3.csv``, :func:`detente.importers.igo.
read_igo_codes`: ``ccode, year, state`` and one column per organisation, ``AAAID`` to
``Wassen``). For a state ``s``, an organisation ``o`` and consecutive years ``Y - 1``, ``Y`` both
coded (0, 1, 2 or 3; a missing -9 or a -1 "not in the system / organisation not in existence"
in either year gives no opportunity, since the decision's setting is unknown; the file lists
years at five-year intervals before 1965, which therefore give none either):

* ``s`` is not a full member at the end of ``Y - 1`` (codes 0, 2, 3): a **join** opportunity,
  whose yes outcome (``join``) happened if ``s`` is a full member at the end of ``Y``;
* ``s`` is a full member at the end of ``Y - 1``: a **leave** opportunity, whose yes outcome
  (``leave``) happened if ``s`` is no longer a full member at the end of ``Y`` (left, code 0, or
  downgraded to associate or observer; the episode's note says which).

**ATOP 5.x** (member-level file ``atop5_1m.csv``: ``atopid, member, yrent, ..., yrexit, ...``,
one row per member and alliance *phase*, ``yrexit`` 0 while still a member). The rows of one
member in one alliance are joined into spells (a row that starts in or before the year after the
previous row ends continues it: a new phase is not an exit). For each spell and each year ``Y``
after its entry year up to its exit year (or ``last_year`` if the spell is open): a **leave**
opportunity whose outcome is ``leave`` in the exit year and ``stay`` before. An exit year in
which *every* member of the alliance exits is the alliance's end, not a member's decision: those
opportunities are skipped and counted. The alliance is the target ``ATOP<atopid>`` unless
``alliances`` maps it to an organisation id.

States are named by ``ids`` (COW number to the world's state id, e.g. from :func:`cow_ids`),
else ``COW<ccode>``; an IGO organisation by its abbreviation upper-cased, with characters other
than letters, digits and ``-`` replaced by ``-`` (or by ``orgs``' mapping). Given a ``world``,
only states, organisations and years the world holds are used; every other row is counted under
its reason, and the COW codes and organisations the world lacks are listed
(:class:`OpportunityImport`), never dropped silently. ``source`` is the source id the episodes
cite: with a world it must be one of the world's sources.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.decisions import Episode
from detente.errors import InputError, Problem
from detente.importers.igo import read_igo_codes

if TYPE_CHECKING:
    from detente.world import World

__all__ = [
    "OpportunityImport",
    "atop_import",
    "atop_opportunities",
    "cow_ids",
    "episodes_yaml",
    "igo_import",
    "igo_opportunities",
]

_BAD = re.compile(r"[^A-Z0-9-]")
_CODED = (0, 1, 2, 3)
_STATUS = {0: "no membership", 1: "full membership", 2: "associate", 3: "observer"}

# Reasons a row gives no opportunity (each row is counted under the first that applies).
OUTSIDE_YEARS = "outside the years asked for (--from/--to)"
OUTSIDE_WORLD = "outside the world's coverage"
UNKNOWN_STATE = "COW code not a state of the world"
NO_YEAR_BEFORE = "no row for the same state and the year before"
NOT_CODED = "no organisation coded 0-3 in both years (-9 missing, -1 not in the system)"
UNKNOWN_ALLIANCE = "alliance not an organisation of the world (give --alliance ATOPID=ORG)"
NO_FULL_YEAR = "no opportunity year (exit in the entry year, or years another phase row covers)"
ALLIANCE_ENDED = "exit in the year the alliance ended (every member left)"


@dataclass
class OpportunityImport:
    """What an import read, used and skipped, and the episodes it kept.

    ``rows_read == rows_used + sum(skipped.values())``: every data row of the file is either
    used (it gives at least one opportunity) or counted under one reason. ``opportunities`` are
    the decision opportunities the used rows gave (``events`` of them with the yes outcome),
    less those left out for a reason counted in ``dropped``;
    ``episodes`` those kept by the case-control sample (every event, and the sampled
    non-events). ``unknown_states`` maps each COW code the world lacks to the first line that
    names it; ``unknown_orgs`` lists the file's organisations (or alliances) the world lacks.
    """

    file: str
    kind: str
    rows_read: int
    rows_used: int
    skipped: dict[str, int]
    opportunities: int
    events: int
    episodes: list[Episode]
    unknown_states: dict[int, int] = field(default_factory=dict)
    unknown_orgs: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    """Opportunities not written for a reason other than sampling (e.g. the alliance ended)."""

    @property
    def controls(self) -> int:
        """Non-events kept (written)."""
        return sum(not e.yes_happened for e in self.episodes)


def cow_ids(world: World) -> dict[int, str]:
    """COW state number to the world's state id (every state of the world that records one)."""
    return {s.cow: s.id for s in world.states.values() if getattr(s, "cow", None)}


def _org_id(name: str, file: str) -> str:
    ident = _BAD.sub("-", name.strip().upper())[:12]
    if not re.match(r"^[A-Z][A-Z0-9-]{1,11}$", ident):
        raise InputError(
            Problem(file, 1, name, "an organisation column must start with a letter (2-12 chars)")
        )
    return ident


def _check_sampling(keep_non_events: float, controls: int | None) -> None:
    if not 0.0 <= keep_non_events <= 1.0:
        raise ValueError(f"keep_non_events must lie in [0, 1], got {keep_non_events!r}")
    if controls is not None and controls < 0:
        raise ValueError(f"controls must be >= 0, got {controls!r}")
    if controls is not None and keep_non_events != 1.0:
        raise ValueError("give keep_non_events or controls, not both")


def _sample(
    event: np.ndarray, *, keep_non_events: float, controls: int | None, seed: int
) -> np.ndarray:
    """The kept opportunities (a boolean mask): every event, and the sampled non-events."""
    rng = np.random.default_rng(seed)
    if controls is None:
        draw = rng.uniform(size=event.size)  # one draw per opportunity, event or not: stable
        return event | (draw < keep_non_events)
    keep = event.copy()
    pool = np.flatnonzero(~event)
    take = min(controls * int(event.sum()), pool.size)
    keep[rng.choice(pool, size=take, replace=False)] = True
    return keep


def _check_source(world: World | None, source: str) -> None:
    if world is not None and source not in world.sources:
        raise InputError(
            Problem(
                None,
                None,
                "--source",
                f"{source!r} is not a source of the world: add a sources record for the data "
                "set (docs/backtest.md, 'Decision opportunities from COW IGO and ATOP files')",
            )
        )


def _covered(world: World | None, years: np.ndarray) -> np.ndarray:
    """Opportunity years whose 1 January lies inside the world's coverage."""
    if world is None or world.header.covers is None:
        return np.ones(years.shape, dtype=bool)
    start, end = world.header.covers
    first = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    return (years >= first) & (years <= end.year)


def _world_orgs(world: World) -> dict[str, str]:
    return {o.upper(): o for o in world.organisations}


def _igo_columns(
    columns: list[str],
    orgs: Collection[str] | Mapping[str, str] | None,
    world: World | None,
    file: str,
) -> tuple[list[int], list[str], list[str]]:
    """The organisation columns used, the org id of each, and the columns the world lacks."""
    mapping = {k.upper(): v for k, v in orgs.items()} if isinstance(orgs, Mapping) else None
    wanted = set(mapping) if mapping is not None else None
    if wanted is None and orgs is not None:
        wanted = {o.upper() for o in orgs}
    if wanted is not None:
        missing = sorted(wanted - {c.upper() for c in columns})
        if missing:
            raise InputError(
                Problem(file, 1, None, f"no column for organisation(s) {', '.join(missing)}")
            )
    known = _world_orgs(world) if world is not None else None
    chosen: list[int] = []
    ids: list[str] = []
    lacking: list[str] = []
    seen: dict[str, str] = {}
    for i, column in enumerate(columns):
        if wanted is not None and column.upper() not in wanted:
            continue
        given = mapping.get(column.upper()) if mapping is not None else None
        ident = given if given is not None else _org_id(column, file)
        if known is not None:
            if ident.upper() not in known and given is not None:
                message = f"{column}={given}: {given!r} is not an organisation of the world"
                raise InputError(Problem(None, None, "--org", message))
            if ident.upper() not in known:
                lacking.append(column)
                continue
            ident = known[ident.upper()]
        if ident in seen:
            raise InputError(
                Problem(
                    file,
                    1,
                    column,
                    f"columns {seen[ident]!r} and {column!r} both name organisation {ident}",
                )
            )
        seen[ident] = column
        chosen.append(i)
        ids.append(ident)
    return chosen, ids, lacking


def _unknown(codes: np.ndarray, lines: np.ndarray, mask: np.ndarray) -> dict[int, int]:
    out: dict[int, int] = {}
    for code, line in zip(codes[mask].tolist(), lines[mask].tolist(), strict=True):
        out.setdefault(int(code), int(line))
    return dict(sorted(out.items()))


def _igo_rows(frame: Any, file: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``ccode``, ``year`` and the row of the same state's year before (-1: none)."""
    import pandas as pd

    ccode = frame["ccode"].to_numpy(np.int64)
    year = frame["year"].to_numpy(np.int64)
    key = pd.MultiIndex.from_arrays([ccode, year])
    twice = key.duplicated()
    if twice.any():
        r = int(np.flatnonzero(twice)[0])
        message = f"state {ccode[r]} in {year[r]} is given twice"
        raise InputError(Problem(file, r + 2, "year", message))
    before = key.get_indexer(pd.MultiIndex.from_arrays([ccode, year - 1]))
    return ccode, year, np.asarray(before, dtype=np.int64)


def _igo_episode(
    *, actor: str, org: str, year: int, codes: tuple[int, int], source: str, where: str
) -> Episode:
    was, now = codes
    leaving = was == 1
    happened = leaving != (now == 1)
    action = "leave" if leaving else "join"
    outcomes = ("leave", "stay") if leaving else ("join", "stay-out")
    outcome = outcomes[0] if happened else outcomes[1]
    return _episode(
        ident=f"igo-{org.lower()}-{actor.lower()}-{year}-{action}",
        year=year,
        action=action,
        actor=actor,
        target=org,
        text=f"Will {actor} {action} {org} in {year}?",
        outcome=outcome,
        source=source,
        note=f"COW IGO v3 {where}: {_STATUS[was]} at the end of {year - 1}, "
        f"{_STATUS[now]} at the end of {year}",
    )


def igo_import(
    path: str | Path,
    *,
    source: str,
    orgs: Collection[str] | Mapping[str, str] | None = None,
    years: tuple[int, int] | None = None,
    world: World | None = None,
    ids: Mapping[int, str] | None = None,
    keep_non_events: float = 1.0,
    controls: int | None = None,
    seed: int = 0,
) -> OpportunityImport:
    """Join and leave opportunities from a COW IGO v3 state-year file (module docstring).

    ``orgs`` limits the organisation columns (by the file's names, any case), or maps them to
    organisation ids (``{"NATO": "NATO", "EAEC": "EAEC"}``); ``years`` the opportunity years
    ``Y`` (inclusive). Raises :class:`InputError` for a file not in the format, an organisation
    asked for that the file lacks, a state-year given twice, or (with ``world``) a source the
    world lacks.
    """
    _check_sampling(keep_non_events, controls)
    _check_source(world, source)
    file = str(path)
    frame, columns, values = read_igo_codes(path)
    chosen, org_ids, lacking = _igo_columns(columns, orgs, world, file)
    if world is not None:
        ids = cow_ids(world)
    ccode, year, before = _igo_rows(frame, file)
    # every row under the first reason that applies, else used
    reason = np.full(ccode.size, "", dtype=object)

    def mark(mask: np.ndarray, why: str) -> None:
        reason[(reason == "") & mask] = why

    if years is not None:
        mark((year < years[0]) | (year > years[1]), OUTSIDE_YEARS)
    mark(~_covered(world, year), OUTSIDE_WORLD)
    known = np.array([c in (ids or {}) for c in ccode.tolist()], dtype=bool)
    if world is not None:
        mark(~known, UNKNOWN_STATE)
    mark(before < 0, NO_YEAR_BEFORE)
    cols = np.asarray(chosen, dtype=np.int64)
    prev = np.where(before[:, None] >= 0, values[np.maximum(before, 0)][:, cols], np.nan)
    now = values[:, cols]
    coded = np.isin(prev, _CODED) & np.isin(now, _CODED) & (reason == "")[:, None]
    mark(~coded.any(axis=1), NOT_CODED)
    lines = np.arange(ccode.size) + 2  # line 1 is the header
    unknown = _unknown(ccode, lines, ~known & (reason == UNKNOWN_STATE))
    # opportunities in (year, state, column) order
    order = np.lexsort((ccode, year))
    rows, c = np.nonzero(coded[order])
    r = order[rows]
    event = (prev[r, c] == 1) != (now[r, c] == 1)
    keep = _sample(event, keep_non_events=keep_non_events, controls=controls, seed=seed)
    out: list[Episode] = []
    for i in np.flatnonzero(keep).tolist():
        row, col = int(r[i]), int(c[i])
        state = int(ccode[row])
        out.append(
            _igo_episode(
                actor=(ids or {}).get(state, f"COW{state}"),
                org=org_ids[col],
                year=int(year[row]),
                codes=(int(prev[row, col]), int(now[row, col])),
                source=source,
                where=f"{Path(file).name} line {row + 2}",
            )
        )
    skipped = Counter(str(x) for x in reason.tolist() if x)
    return OpportunityImport(
        file=file,
        kind="COW IGO v3 state-year",
        rows_read=int(ccode.size),
        rows_used=int((reason == "").sum()),
        skipped=dict(sorted(skipped.items(), key=lambda kv: -kv[1])),
        opportunities=int(event.size),
        events=int(event.sum()),
        episodes=out,
        unknown_states=unknown,
        unknown_orgs=lacking,
        orgs=org_ids,
    )


def _episode(
    *,
    ident: str,
    year: int,
    action: str,
    actor: str,
    target: str,
    text: str,
    outcome: str,
    source: str,
    note: str,
) -> Episode:
    return Episode.model_validate(
        {
            "id": ident,
            "date": f"{year}-01-01",
            "type": "membership",
            "action": action,
            "proposer": actor,
            "target": target,
            "text": text,
            "recorded_outcome": outcome,
            "origin": "generated",
            "sources": [source],
            "note": note,
        }
    )


@dataclass
class _Spell:
    atopid: int
    member: int
    start: int
    end: int
    exits: bool
    rows: list[tuple[int, int, int]]  # (row, first, last opportunity year) of each row


def _spells(frame: Any, last_year: int, file: str) -> list[_Spell]:
    """Member-phase rows joined into spells per (alliance, member), in file order of rows."""
    cols = ["atopid", "member", "yrent", "yrexit"]
    rows = frame[cols].to_numpy(np.int64).tolist()
    by_pair: dict[tuple[int, int], list[tuple[int, int, int, bool]]] = {}
    for row, (atopid, member, start, stop) in enumerate(rows):
        if start < 0 or stop < 0:
            raise InputError(Problem(file, row + 2, "yrent", "expected a year (or yrexit 0)"))
        end = last_year if stop == 0 else stop
        if stop == 0 and start > last_year:
            message = f"an open spell (yrexit 0) entered after the data's last year {last_year}"
            raise InputError(Problem(file, row + 2, "yrent", message))
        if end < start:
            raise InputError(Problem(file, row + 2, "yrexit", "exit year before the entry year"))
        by_pair.setdefault((atopid, member), []).append((start, end, row, stop != 0))
    spells: list[_Spell] = []
    for (atopid, member), items in sorted(by_pair.items()):
        current: _Spell | None = None
        for start, end, row, exits in sorted(items):
            if current is not None and start <= current.end + 1:
                # a later phase: it covers the years after those the spell already covers
                current.rows.append((row, max(start, current.end + 1), end))
                if end > current.end:
                    current.end, current.exits = end, exits
                elif end == current.end:
                    current.exits = current.exits and exits  # an open row keeps it open
                continue
            current = _Spell(atopid, member, start, end, exits, [(row, start + 1, end)])
            spells.append(current)
    return spells


def _atop_targets(world: World | None, alliances: Mapping[int, str] | None) -> dict[int, str]:
    """ATOP id to the organisation id it is (checked against the world's, if given)."""
    if world is None:
        return dict(alliances or {})
    known = _world_orgs(world)
    targets: dict[int, str] = {}
    for atopid, org in (alliances or {}).items():
        if org.upper() not in known:
            message = f"{atopid}={org}: {org!r} is not an organisation of the world"
            raise InputError(Problem(None, None, "--alliance", message))
        targets[atopid] = known[org.upper()]
    return targets


def _alliance_ends(spells: list[_Spell]) -> set[tuple[int, int]]:
    """(alliance, year) pairs in which every member at the start of the year exits."""
    members_of: dict[int, list[_Spell]] = {}
    for s in spells:
        members_of.setdefault(s.atopid, []).append(s)
    ended: set[tuple[int, int]] = set()
    for atopid, group in members_of.items():
        for y in {s.end for s in group if s.exits}:
            present = [s for s in group if s.start < y <= s.end]
            if present and all(s.exits and s.end == y for s in present):
                ended.add((atopid, y))
    return ended


@dataclass
class _AtopRows:
    reason: list[str]
    candidates: list[tuple[_Spell, int, int]]  # (spell, opportunity year, row)
    unknown_states: dict[int, int]
    unknown_alliances: set[int]


def _atop_rows(
    spells: list[_Spell],
    n_rows: int,
    *,
    world: World | None,
    ids: Mapping[int, str] | None,
    targets: Mapping[int, str],
    years: tuple[int, int] | None,
) -> _AtopRows:
    """Each row's opportunity years, or the reason it has none."""
    out = _AtopRows([""] * n_rows, [], {}, set())
    for s in spells:
        for row, first, last in s.rows:
            span = np.arange(first, last + 1)
            inside = _covered(world, span)
            if years is not None:
                inside &= (span >= years[0]) & (span <= years[1])
            if world is not None and s.member not in (ids or {}):
                out.reason[row] = UNKNOWN_STATE
                out.unknown_states.setdefault(s.member, row + 2)
            elif world is not None and s.atopid not in targets:
                out.reason[row] = UNKNOWN_ALLIANCE
                out.unknown_alliances.add(s.atopid)
            elif span.size == 0:
                out.reason[row] = NO_FULL_YEAR
            elif not inside.any():
                out.reason[row] = OUTSIDE_YEARS if years is not None else OUTSIDE_WORLD
            else:
                out.candidates.extend((s, int(y), row) for y in span[inside].tolist())
    out.unknown_states = dict(sorted(out.unknown_states.items()))
    return out


def atop_import(
    path: str | Path,
    *,
    source: str,
    last_year: int,
    years: tuple[int, int] | None = None,
    world: World | None = None,
    ids: Mapping[int, str] | None = None,
    alliances: Mapping[int, str] | None = None,
    keep_non_events: float = 1.0,
    controls: int | None = None,
    seed: int = 0,
) -> OpportunityImport:
    """Leave opportunities from an ATOP 5.x member-level file (module docstring).

    ``last_year`` is the data's last year (open spells run to it; 2018 for ATOP 5.1);
    ``years`` limits the opportunity years; ``alliances`` maps ATOP ids to organisation ids
    (with a ``world``, an alliance not mapped to one of its organisations gives no
    opportunity). Raises :class:`InputError` for a missing column, a non-numeric or empty cell,
    an exit year before the entry year, or (with ``world``) a source or an organisation the
    world lacks.
    """
    from detente.importers.atop import MEMBERS
    from detente.importers.table import read_table, require_complete

    _check_sampling(keep_non_events, controls)
    _check_source(world, source)
    file = str(path)
    cols = ["atopid", "member", "yrent", "yrexit"]
    frame = read_table(path, cols, MEMBERS, numeric=cols)
    require_complete(frame, cols, file)
    targets = _atop_targets(world, alliances)
    if world is not None:
        ids = cow_ids(world)
    spells = _spells(frame, last_year, file)
    rows = _atop_rows(spells, len(frame), world=world, ids=ids, targets=targets, years=years)
    ended = _alliance_ends(spells)
    kept: list[tuple[_Spell, int, int]] = []
    dropped: Counter[str] = Counter()
    for s, y, row in rows.candidates:
        if s.exits and y == s.end and (s.atopid, y) in ended:
            dropped[ALLIANCE_ENDED] += 1
        else:
            kept.append((s, y, row))
    event = np.array([s.exits and y == s.end for s, y, _ in kept], dtype=bool)
    keep = _sample(event, keep_non_events=keep_non_events, controls=controls, seed=seed)
    out: list[Episode] = []
    for i in np.flatnonzero(keep).tolist():
        s, y, row = kept[i]
        actor = (ids or {}).get(s.member, f"COW{s.member}")
        target = targets.get(s.atopid, f"ATOP{s.atopid}")
        stop = str(s.end) if s.exits else "open"
        out.append(
            _episode(
                ident=f"atop-{s.atopid}-{actor.lower()}-{y}-leave",
                year=y,
                action="leave",
                actor=actor,
                target=target,
                text=f"Will {actor} leave {target} (ATOP alliance {s.atopid}) in {y}?",
                outcome="leave" if bool(event[i]) else "stay",
                source=source,
                note=f"ATOP member-level {Path(file).name} line {row + 2}: spell {s.start}-{stop}",
            )
        )
    out.sort(key=lambda e: (e.date, e.id))
    skipped = Counter(r for r in rows.reason if r)
    return OpportunityImport(
        file=file,
        kind="ATOP 5.x member-level",
        rows_read=len(frame),
        rows_used=len(frame) - sum(skipped.values()),
        skipped=dict(sorted(skipped.items(), key=lambda kv: -kv[1])),
        opportunities=len(kept),
        events=int(event.sum()),
        episodes=out,
        unknown_states=rows.unknown_states,
        unknown_orgs=[f"ATOP{a}" for a in sorted(rows.unknown_alliances)],
        orgs=sorted({targets.get(s.atopid, f"ATOP{s.atopid}") for s, _, _ in kept}),
        dropped=dict(dropped),
    )


def igo_opportunities(
    path: str | Path,
    *,
    source: str,
    orgs: Collection[str] | None = None,
    years: tuple[int, int] | None = None,
    ids: Mapping[int, str] | None = None,
    keep_non_events: float = 1.0,
    seed: int = 0,
) -> list[Episode]:
    """The episodes of :func:`igo_import` (no world check)."""
    return igo_import(
        path,
        source=source,
        orgs=orgs,
        years=years,
        ids=ids,
        keep_non_events=keep_non_events,
        seed=seed,
    ).episodes


def atop_opportunities(
    path: str | Path,
    *,
    source: str,
    last_year: int,
    years: tuple[int, int] | None = None,
    ids: Mapping[int, str] | None = None,
    keep_non_events: float = 1.0,
    seed: int = 0,
) -> list[Episode]:
    """The episodes of :func:`atop_import` (no world check)."""
    return atop_import(
        path,
        source=source,
        last_year=last_year,
        years=years,
        ids=ids,
        keep_non_events=keep_non_events,
        seed=seed,
    ).episodes


_FIELDS = (
    "id", "date", "type", "proposer", "target", "action", "text", "recorded_outcome",
    "origin", "sources", "note",
)  # fmt: skip


def episodes_yaml(episodes: list[Episode], header: list[str]) -> str:
    """An episode file (``docs/episodes.md`` format) with ``header`` as its comment lines."""
    import yaml

    records = []
    for e in episodes:
        data = e.model_dump(mode="json")
        records.append({k: data[k] for k in _FIELDS if data.get(k) is not None})
    body = yaml.safe_dump({"episodes": records}, sort_keys=False, allow_unicode=True, width=96)
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + "\n" + body
