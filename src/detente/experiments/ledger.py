"""The forecast ledger: stacked forecasts fixed before a decision is made, scored after it.

Why a ledger. A leave-future-out backtest keeps every fitted parameter blind to the episodes it
scores, but not the people who designed the model: every built-in episode's outcome was known
while the lenses and the stack were built (``docs/backtest.md``, "Reading"). The one test that
no design choice can have seen is a *prospective* one: forecasts issued and frozen before the
outcome exists, scored once it does, as in the forecasting tournaments that anchor the field
(Mellers et al. 2014, *Psychological Science* 25:1106-1115; Tetlock & Gardner 2015,
*Superforecasting*, ch. 3) and in the pre-registration of analyses (Nosek et al. 2018, *PNAS*
115:2600-2606).

What an entry holds (:class:`LedgerEntry`): the question's id, its decision date and a SHA-256
digest of what it asks (:func:`question_digest`: the fields that define the decision, not its
sources or note, which may grow when it is resolved); the time it was issued (UTC); the stack's
probability of the yes outcome with its 90 % interval, each lens's own probability and the
leave-future-out baselines, all from :func:`detente.experiments.lfo.stacked_episode` fitted on
the episodes dated before the day of issue; and the model's fingerprint (package version,
digests of the package data and of the user's world and history files, lenses).

Integrity. The entries form a hash chain: each one's ``hash`` is the SHA-256 of its canonical
JSON (keys sorted, no spaces) including ``prev``, the previous entry's hash, so editing,
reordering or deleting any entry breaks the chain at that entry, and :func:`verify` says where.
Cutting entries off the end is not detectable from the file alone: the last hash is the
ledger's :attr:`Ledger.digest`, which a user publishes (a commit, a post, an e-mail) to fix the
record in time. The clock is the machine's: the ledger makes a record tamper-evident, not its
author honest.

Scoring (:func:`score_ledger`) takes the resolved questions (episodes with a recorded outcome)
and scores each entry issued strictly before its decision date whose question is unchanged,
with the same scores, paired bootstrap and baselines as the backtest
(:func:`detente.experiments.lfo.score_forecasts`). Every other entry is listed with the reason
it is not scored (pending, changed question, issued on or after the decision); none is dropped
silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detente.errors import InputError, Problem

if TYPE_CHECKING:  # the numerics load only to forecast or score: `ledger show` reads JSON
    from detente.decisions import Episode, Question
    from detente.experiments.lfo import ForecasterScore, LfoForecast, LfoResult
    from detente.lenses.base import Lens
    from detente.world import World

__all__ = [
    "FORMAT",
    "GENESIS",
    "Ledger",
    "LedgerEntry",
    "LedgerScore",
    "ledger_json",
    "question_digest",
    "read_ledger",
    "register",
    "score_json",
    "score_ledger",
    "verify",
    "write_ledger",
]

FORMAT = "detente-ledger/1"
"""The ``format`` key of a ledger file: its layout, version 1."""

GENESIS = "0" * 64
"""The ``prev`` of the first entry: no entry before it."""

QUESTION_FIELDS = (
    "id",
    "date",
    "type",
    "proposer",
    "target",
    "action",
    "deciding_org",
    "deciders",
    "rule",
    "clause",
    "text",
    "outcomes",
    "yes_outcome",
    "status_quo",
    "scale",
)
"""The fields of a question that define what is decided (and so what an entry forecast)."""


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def question_digest(question: Question) -> str:
    """SHA-256 of the fields that define ``question`` (:data:`QUESTION_FIELDS`), canonical JSON.

    The same for a pending :class:`~detente.decisions.Question` and for the
    :class:`~detente.decisions.Episode` that later records its outcome, as long as neither
    changes what is asked (its sources and note may grow).
    """
    dumped = question.model_dump(mode="json")
    return hashlib.sha256(_canonical({k: dumped.get(k) for k in QUESTION_FIELDS})).hexdigest()


class LedgerEntry(BaseModel):
    """One registered forecast (module docstring). Probabilities on [0, 1]."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=1)
    question: str = Field(min_length=1)
    date: dt.date
    question_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    text: str
    yes_outcome: str
    issued: dt.datetime
    p: float = Field(ge=0.0, le=1.0)
    interval_90: tuple[float, float]
    lenses: dict[str, float]
    baselines: dict[str, float]
    n_train: int = Field(ge=0)
    model: dict[str, Any]
    prev: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    def content(self) -> dict[str, Any]:
        """The entry as JSON-ready data without its ``hash`` (what the hash is taken over)."""
        return self.model_dump(mode="json", exclude={"hash"})

    def expected_hash(self) -> str:
        """The hash the entry's content gives (equal to ``hash`` unless it was edited)."""
        return hashlib.sha256(_canonical(self.content())).hexdigest()


@dataclass(frozen=True)
class Ledger:
    """A chain of entries, oldest first; :attr:`digest` is the last entry's hash."""

    entries: tuple[LedgerEntry, ...] = ()

    @property
    def digest(self) -> str:
        """The ledger's digest: the last entry's hash (:data:`GENESIS` when empty)."""
        return self.entries[-1].hash if self.entries else GENESIS

    def ids(self) -> set[str]:
        """The question ids registered."""
        return {e.question for e in self.entries}


def verify(ledger: Ledger, source: str | None = None) -> list[Problem]:
    """Every break in ``ledger``'s chain, each naming its entry (empty: the chain holds)."""
    problems = []
    prev = GENESIS
    for i, entry in enumerate(ledger.entries):
        where = f"entries[{i}]"
        if entry.seq != i + 1:
            problems.append(
                Problem(source, None, f"{where}.seq", f"is {entry.seq}, expected {i + 1}")
            )
        if entry.prev != prev:
            problems.append(
                Problem(
                    source,
                    None,
                    f"{where}.prev",
                    "does not match the previous entry's hash: an entry before it was edited, "
                    "removed or moved",
                )
            )
        if entry.expected_hash() != entry.hash:
            problems.append(
                Problem(
                    source,
                    None,
                    f"{where}.hash",
                    f"entry {entry.question!r} was changed after it was registered (its content "
                    "no longer gives its hash)",
                )
            )
        prev = entry.hash
    return problems


def read_ledger(path: str | Path) -> Ledger:
    """The ledger in ``path`` (an absent file is an empty ledger), validated and verified.

    Raises :class:`~detente.errors.InputError` naming the file and entry field for a file that
    is not a ledger, an entry that fails validation or a broken chain.
    """
    path = Path(path)
    shown = str(path)
    if not path.exists():
        return Ledger()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(shown, None, None, f"cannot read it: {exc}")) from None
    except json.JSONDecodeError as exc:
        raise InputError(Problem(shown, exc.lineno, None, f"not JSON: {exc.msg}")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(
            Problem(shown, None, "format", f"not a Détente ledger (expected format {FORMAT!r})")
        )
    raw = data.get("entries")
    if not isinstance(raw, list):
        raise InputError(Problem(shown, None, "entries", "expected a list of entries"))
    entries, problems = [], []
    for i, item in enumerate(raw):
        try:
            entries.append(LedgerEntry.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(x) for x in err["loc"])
                problems.append(Problem(shown, None, f"entries[{i}].{loc}", err["msg"]))
    if problems:
        raise InputError(problems)
    ledger = Ledger(tuple(entries))
    problems = verify(ledger, shown)
    if data.get("digest") not in (None, ledger.digest):
        problems.append(Problem(shown, None, "digest", "does not match the last entry's hash"))
    if problems:
        raise InputError(problems)
    return ledger


def ledger_json(ledger: Ledger) -> dict[str, Any]:
    """The file's content: format, digest and entries."""
    return {
        "format": FORMAT,
        "digest": ledger.digest,
        "entries": [e.model_dump(mode="json") for e in ledger.entries],
    }


def write_ledger(ledger: Ledger, path: str | Path) -> None:
    """Write ``ledger`` to ``path`` atomically (a temporary file renamed onto it)."""
    from detente.output import atomic_write

    with atomic_write(path) as handle:
        json.dump(ledger_json(ledger), handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def _seal(content: Mapping[str, Any]) -> LedgerEntry:
    """The entry of ``content`` with its hash, taken over the validated entry's JSON form (the
    form a file holds, so that reading it back gives the same hash)."""
    entry = LedgerEntry.model_validate({**content, "hash": GENESIS})
    return entry.model_copy(update={"hash": entry.expected_hash()})


def register(
    ledger: Ledger,
    questions: Sequence[Question],
    world: World,
    lenses: Sequence[Lens],
    history: Sequence[Episode],
    *,
    now: dt.datetime,
    model: Mapping[str, Any],
    source: str | None = None,
    min_train: int | None = None,
    bargain: bool = True,
) -> Ledger:
    """``ledger`` with one new entry per question, forecast by the stack as of ``now``.

    ``now`` is the time of issue (timezone-aware; stored in UTC, to the second); the stack is
    fitted on the ``history`` episodes (all dated before its day), and needs ``min_train`` of
    them with both outcomes (default :data:`detente.experiments.lfo.MIN_TRAIN`, 30). ``model`` is
    the fingerprint stored with each entry. Every question is checked before any is forecast:
    a question with a recorded outcome (already resolved), one dated on or before the day of
    issue (not prospective), one already in the ledger or given twice, and a history episode
    dated on or after the day of issue (an outcome that cannot be known yet) each raise
    :class:`~detente.errors.InputError` naming it, and nothing is registered.
    """
    from detente.decisions import Episode
    from detente.experiments.lfo import MIN_TRAIN, stacked_episodes

    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    issued = now.astimezone(dt.UTC).replace(microsecond=0)
    today = issued.date()
    problems = [
        Problem(
            source,
            None,
            e.id,
            f"the history episode is dated {e.date}, on or after the day "
            "of issue: its outcome cannot be known yet",
        )
        for e in history
        if e.date >= today
    ]
    seen = ledger.ids()
    for q in questions:
        if isinstance(q, Episode):
            problems.append(
                Problem(
                    source,
                    None,
                    q.id,
                    "has a recorded outcome: it is resolved, and a "
                    "ledger takes only questions still to be decided",
                )
            )
        elif q.date <= today:
            problems.append(
                Problem(
                    source,
                    None,
                    q.id,
                    f"is dated {q.date}, not after the day of issue "
                    f"({today}): a registered forecast must precede the decision",
                )
            )
        if q.id in seen:
            problems.append(Problem(source, None, q.id, "is already registered in the ledger"))
        seen.add(q.id)
    if problems:
        raise InputError(problems)
    entries = list(ledger.entries)
    # the history's signals once for all questions; each is fitted as if forecast alone
    forecasts = stacked_episodes(
        questions,
        world,
        lenses,
        list(history),
        min_train=MIN_TRAIN if min_train is None else min_train,
        bargain=bargain,
    )
    for q, stacked in zip(questions, forecasts, strict=True):
        f = stacked.forecast
        if f is None:
            raise InputError(Problem(source, None, q.id, f"cannot be forecast: {stacked.reason}"))
        content = {
            "seq": len(entries) + 1,
            "question": q.id,
            "date": q.date.isoformat(),
            "question_sha256": question_digest(q),
            "text": q.text,
            "yes_outcome": q.yes_outcome,
            "issued": issued.isoformat().replace("+00:00", "Z"),
            "p": f.p,
            "interval_90": [f.low, f.high],
            "lenses": dict(stacked.lens_p),
            "baselines": dict(stacked.baselines or {}),
            "n_train": stacked.n_train,
            "model": dict(model),
            "prev": entries[-1].hash if entries else GENESIS,
        }
        entries.append(_seal(content))
    return Ledger(tuple(entries))


@dataclass(frozen=True)
class LedgerScore:
    """The scores of a ledger's resolved, prospective entries and what was left out.

    ``result`` holds the per-entry forecasts (``stack``, each lens, the baselines) and their
    scores in the backtest's form, ``None`` when no entry could be scored; ``left_out`` is
    ``(question, reason)`` for every other entry; ``unregistered`` the questions of the outcome
    file (decided or not) that the ledger does not hold.
    """

    source: str
    digest: str
    entries: int
    result: LfoResult | None
    left_out: tuple[tuple[str, str], ...]
    unregistered: tuple[str, ...]

    def scores(self) -> tuple[ForecasterScore, ...]:
        """The scores (empty when nothing was scored)."""
        return self.result.scores if self.result is not None else ()


def score_ledger(
    ledger: Ledger,
    resolved: Sequence[Question],
    *,
    source: str = "ledger",
    n_boot: int = 2000,
    seed: int = 0,
) -> LedgerScore:
    """Score ``ledger``'s entries against the outcomes recorded in ``resolved`` (module docstring).

    An entry is scored when ``resolved`` holds an :class:`~detente.decisions.Episode` of its
    question with the same :func:`question_digest`, dated after the entry's day of issue.
    """
    from detente.decisions import Episode
    from detente.experiments.lfo import (
        BASELINES,
        STACK,
        LfoForecast,
        LfoResult,
        score_forecasts,
    )

    by_id = {q.id: q for q in resolved}
    rows: list[LfoForecast] = []
    left_out: list[tuple[str, str]] = []
    lens_names: list[str] = []
    for entry in ledger.entries:
        q = by_id.get(entry.question)
        if q is None or not isinstance(q, Episode):
            left_out.append((entry.question, "pending: no recorded outcome yet"))
            continue
        if question_digest(q) != entry.question_sha256:
            left_out.append(
                (entry.question, "the question was changed after the forecast was registered")
            )
            continue
        if entry.issued.date() >= q.date:
            left_out.append((entry.question, "issued on or after the decision date"))
            continue
        for name in entry.lenses:
            if name not in lens_names:
                lens_names.append(name)
        y = int(q.recorded_outcome == q.yes_outcome)
        p = {**entry.lenses, STACK: entry.p, **entry.baselines}
        rows.append(LfoForecast(q.id, q.date, q.type, "hand-coded", y, entry.n_train, p))
    registered = ledger.ids()
    unregistered = tuple(q.id for q in resolved if q.id not in registered)
    # a forecaster is scored only where every scored entry has it (lenses may differ by entry)
    names = tuple(
        n for n in (*lens_names, STACK, *BASELINES) if rows and all(n in r.p for r in rows)
    )
    result = None
    if rows:
        result = LfoResult(
            source=source,
            lenses=tuple(n for n in lens_names if n in names),
            stacked=True,
            start=None,
            min_train=0,
            forecasts=tuple(rows),
            scores=tuple(
                s
                for s in score_forecasts(
                    rows, names, [n for n in lens_names if n in names], n_boot=n_boot, seed=seed
                )
                if s.subset == "all"  # every ledger entry is a tabled question: one subset
            ),
            burn_in=(),
            skipped=(),
            names=names,
        )
    return LedgerScore(
        source, ledger.digest, len(ledger.entries), result, tuple(left_out), unregistered
    )


def score_json(score: LedgerScore) -> dict[str, Any]:
    """JSON-ready scores: the backtest's layout plus the ledger's digest and what was left out."""
    from detente.experiments.lfo import lfo_json

    out: dict[str, Any] = {
        "protocol": "prospective: each forecast registered before its decision date",
        "digest": score.digest,
        "entries": score.entries,
        "scored": len(score.result.forecasts) if score.result is not None else 0,
        "left_out": [{"question": q, "reason": r} for q, r in score.left_out],
        "unregistered": list(score.unregistered),
    }
    if score.result is not None:
        body = lfo_json(score.result)
        out["forecasts"] = body.get("forecasts")
        out["scores"] = body.get("scores")
    return out
