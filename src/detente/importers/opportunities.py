"""Decision opportunities (episodes) from a user's own COW IGO or ATOP file.

The built-in generated opportunities (:mod:`detente.decisions.opportunities`) are drawn from the
world; these are drawn from the field's data sets, which Détente may not ship (the user supplies
the files). Each opportunity is a membership :class:`~detente.decisions.Episode` with origin
``generated``, dated 1 January of the year ``Y`` in which the decision was possible, so that a
forecast reads the world as known at the end of ``Y - 1``; its outcome is what the file records
at the end of ``Y``. Case-control sampling as in the Political Instability Task Force's design
(Goldstone et al. 2010): every event is kept, and each non-event with probability
``keep_non_events`` (seeded, one draw per opportunity in file order, so the same file and seed
give the same episodes).

**COW IGO v3** (state-year file, :func:`detente.importers.igo.read_igo_codes`). For a state ``s``,
an organisation ``o`` and consecutive years ``Y - 1``, ``Y`` both coded (0, 1, 2 or 3; a missing
-9 or a -1 "not in the system" in either year gives no opportunity, since the decision's setting
is unknown):

* ``s`` is not a full member at the end of ``Y - 1`` (codes 0, 2, 3): a **join** opportunity,
  whose yes outcome (``join``) happened if ``s`` is a full member at the end of ``Y``;
* ``s`` is a full member at the end of ``Y - 1``: a **leave** opportunity, whose yes outcome
  (``leave``) happened if ``s`` is no longer a full member at the end of ``Y`` (left, code 0, or
  downgraded to associate or observer; the episode's note says which).

**ATOP 5.x** (member-level file, the columns of :func:`detente.importers.read_atop_members`). For
each member spell of alliance ``A`` and each year ``Y`` after its entry year up to its exit year
(or ``last_year`` if the spell is open, ``yrexit`` 0): a **leave** opportunity whose outcome is
``leave`` in the exit year and ``stay`` before. The alliance is the target ``ATOP<atopid>``.

States are named by ``ids`` (COW number to the world's state id, e.g. from
:func:`cow_ids`), else ``COW<ccode>``; an organisation by its IGO abbreviation upper-cased, with
characters other than letters, digits and ``-`` replaced by ``-``. ``source`` is the source id the
episodes cite: it must be one of the user's world's sources when the episodes are backtested
against that world.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detente.decisions import Episode
from detente.errors import InputError, Problem
from detente.importers.igo import read_igo_codes

if TYPE_CHECKING:
    from detente.world import World

__all__ = ["atop_opportunities", "cow_ids", "igo_opportunities"]

_BAD = re.compile(r"[^A-Z0-9-]")
_CODED = (0, 1, 2, 3)
_STATUS = {0: "no membership", 1: "full membership", 2: "associate", 3: "observer"}


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


def _keep(rng: np.random.Generator, event: bool, share: float) -> bool:
    draw = rng.uniform()  # one draw per opportunity, event or not: the sample is stable
    return event or draw < share


def _check_share(keep_non_events: float) -> None:
    if not 0.0 <= keep_non_events <= 1.0:
        raise ValueError(f"keep_non_events must lie in [0, 1], got {keep_non_events!r}")


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
    """Join and leave opportunities from a COW IGO v3 state-year file (module docstring).

    ``orgs`` limits the organisation columns (by the file's names, any case); ``years`` the
    opportunity years ``Y`` (inclusive). Raises :class:`InputError` for a file not in the format,
    an organisation asked for that the file lacks, or a state-year given twice.
    """
    _check_share(keep_non_events)
    file = str(path)
    frame, columns, values = read_igo_codes(path)
    wanted = {o.upper() for o in orgs} if orgs is not None else None
    chosen = [i for i, c in enumerate(columns) if wanted is None or c.upper() in wanted]
    if wanted is not None:
        missing = sorted(wanted - {columns[i].upper() for i in chosen})
        if missing:
            raise InputError(
                Problem(file, 1, None, f"no column for organisation(s) {', '.join(missing)}")
            )
    ccode = frame["ccode"].to_numpy(np.int64)
    year = frame["year"].to_numpy(np.int64)
    where: dict[tuple[int, int], int] = {}
    for row, key in enumerate(zip(ccode.tolist(), year.tolist(), strict=True)):
        if key in where:
            raise InputError(
                Problem(file, row + 2, "year", f"state {key[0]} in {key[1]} is given twice")
            )
        where[key] = row
    rng = np.random.default_rng(seed)
    out: list[Episode] = []
    for (state, y), row in sorted(where.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if years is not None and not years[0] <= y <= years[1]:
            continue
        before = where.get((state, y - 1))
        if before is None:
            continue
        actor = (ids or {}).get(state, f"COW{state}")
        for c in chosen:
            prev, now = values[before, c], values[row, c]
            if np.isnan(prev) or np.isnan(now) or prev not in _CODED or now not in _CODED:
                continue
            member_before, member_now = prev == 1, now == 1
            action = "leave" if member_before else "join"
            event = member_now != member_before
            if not _keep(rng, event, keep_non_events):
                continue
            org = _org_id(columns[c], file)
            outcome = (
                ("leave" if event else "stay")
                if member_before
                else ("join" if event else "stay-out")
            )
            out.append(
                Episode.model_validate(
                    {
                        "id": f"igo-{org.lower()}-{actor.lower()}-{y}-{action}",
                        "date": f"{y}-01-01",
                        "type": "membership",
                        "action": action,
                        "proposer": actor,
                        "target": org,
                        "text": f"Will {actor} {action} {org} in {y}?",
                        "recorded_outcome": outcome,
                        "origin": "generated",
                        "sources": [source],
                        "note": (
                            f"COW IGO v3 {file}: {_STATUS[int(prev)]} at the end of {y - 1}, "
                            f"{_STATUS[int(now)]} at the end of {y}"
                        ),
                    }
                )
            )
    return out


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
    """Leave opportunities from an ATOP 5.x member-level file (module docstring).

    ``last_year`` is the data's last year (open spells run to it); ``years`` limits the
    opportunity years. Raises :class:`InputError` as
    :func:`detente.importers.read_atop_members` does.
    """
    from detente.importers.atop import MEMBERS, OBLIGATIONS
    from detente.importers.table import read_table, require_complete

    _check_share(keep_non_events)
    file = str(path)
    cols = ["atopid", "member", "yrent", "yrexit"]
    frame = read_table(path, [*cols, *OBLIGATIONS], MEMBERS, numeric=cols)
    require_complete(frame, cols, file)
    rng = np.random.default_rng(seed)
    spells = []
    for row, (atopid, member, start, stop) in enumerate(frame[cols].to_numpy(np.int64).tolist()):
        end = last_year if stop == 0 else stop
        if end < start:
            raise InputError(Problem(file, row + 2, "yrexit", "exit year before the entry year"))
        spells.append((atopid, member, start, end, stop != 0))
    out: list[Episode] = []
    for atopid, member, start, end, exits in sorted(spells):
        actor = (ids or {}).get(member, f"COW{member}")
        target = f"ATOP{atopid}"
        stop_text = str(end) if exits else "open"
        for y in range(start + 1, end + 1):
            if years is not None and not years[0] <= y <= years[1]:
                continue
            event = exits and y == end
            if not _keep(rng, event, keep_non_events):
                continue
            out.append(
                Episode.model_validate(
                    {
                        "id": f"atop-{atopid}-{actor.lower()}-{y}-leave",
                        "date": f"{y}-01-01",
                        "type": "membership",
                        "action": "leave",
                        "proposer": actor,
                        "target": target,
                        "text": f"Will {actor} leave ATOP alliance {atopid} in {y}?",
                        "recorded_outcome": "leave" if event else "stay",
                        "origin": "generated",
                        "sources": [source],
                        "note": f"ATOP member-level {file}: spell {start}-{stop_text}",
                    }
                )
            )
    return out
