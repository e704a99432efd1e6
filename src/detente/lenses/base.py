"""What every lens is made of: named utility terms, documented parameters, and Preferences.

A *lens* is a theory of how actors value the outcomes of a question. It maps a
:class:`~detente.world.Snapshot` and a :class:`~detente.decisions.Question` to
:class:`Preferences`: each relevant actor's utility for each outcome, written as a sum of named
*terms* (Keohane's absolute gains from shared threats, Grieco's relative gains, ...). Each term is a
:class:`Term`: a name, a formula in words and symbols, its literature source, and a pure function
of the decider's :class:`~detente.lenses.features.Features` and the lens parameters.

Utilities are measured relative to the question's *no* outcome: ``U(no) = 0`` for every actor and
``U(yes)`` is the actor's *margin*, the sum of its term values. Only margins matter to the
decision rules (:mod:`detente.institutions`), so nothing is lost by the normalisation.

Parameters are a frozen dataclass per lens; every field carries, in its metadata, a description
(``doc``), its literature ``source``, and its valid range (``low``, ``high``). :func:`param`
declares one; :func:`with_overrides` validates and applies user overrides.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError, Problem, suggest
from detente.institutions.acceptance import DEFAULT_SCALE
from detente.lenses.features import Features

__all__ = [
    "AcceptanceParams",
    "Lens",
    "LensParams",
    "ParamInfo",
    "Preferences",
    "Term",
    "TermLens",
    "param",
    "param_info",
    "with_overrides",
]

FloatArray = NDArray[np.float64]


def param(default: float, doc: str, source: str, low: float = 0.0, high: float = 10.0) -> Any:
    """A documented lens parameter: a dataclass field with its doc, source and valid range."""
    return dataclasses.field(
        default=default, metadata={"doc": doc, "source": source, "low": low, "high": high}
    )


@dataclass(frozen=True)
class AcceptanceParams:
    """How margins become acceptance probabilities; shared by every lens.

    ``scale`` is the logit noise of :func:`detente.institutions.acceptance.p_accept`.
    ``stake_scale`` models the *silence procedure* of consensus bodies (NATO's North Atlantic
    Council adopts a text unless a member "breaks silence"; Michel 2013, *Alliance Security* and
    NATO's own description of consensus decision-making): a member objects only in proportion to
    what it has at stake. With stake ``z = sum_k |term_k|`` its salience is
    ``s = 1 - exp(-z / stake_scale)`` and its acceptance probability
    ``p = s * logit(margin / scale) + (1 - s) * d``, where ``d`` is what an actor with nothing at
    stake does: go along (``d = 1``) in a body of several members, keep the status quo in a
    decision it takes alone. ``stake_scale = 0`` switches this off (pure logit).
    """

    scale: float = param(
        DEFAULT_SCALE,
        "logit noise scale in utility units: a margin of `scale` gives P(accept)=0.73",
        "McKelvey & Palfrey 1995; McFadden 1974 (detente.institutions.acceptance)",
        low=0.0,
        high=10.0,
    )
    stake_scale: float = param(
        0.1,
        "stake (sum of |terms|) at which a member's salience reaches 1 - 1/e = 0.63 (silence "
        "procedure: indifferent members go along); 0 = pure logit",
        "NATO consensus and silence procedure; Michel 2013",
        low=0.0,
        high=10.0,
    )


LensParams = TypeVar("LensParams", bound=AcceptanceParams)


@dataclass(frozen=True)
class ParamInfo:
    """One parameter of a lens, for documentation and the CLI."""

    name: str
    value: float
    default: float
    doc: str
    source: str
    low: float
    high: float


def param_info(params: AcceptanceParams) -> list[ParamInfo]:
    """Every parameter of ``params`` with its value, default, doc, source and range."""
    out = []
    for f in dataclasses.fields(params):
        meta = f.metadata
        out.append(
            ParamInfo(
                name=f.name,
                value=float(getattr(params, f.name)),
                default=float(f.default),  # type: ignore[arg-type]
                doc=str(meta.get("doc", "")),
                source=str(meta.get("source", "")),
                low=float(meta.get("low", -math.inf)),
                high=float(meta.get("high", math.inf)),
            )
        )
    return out


def with_overrides(params: LensParams, overrides: Mapping[str, object], lens: str) -> LensParams:
    """``params`` with ``overrides`` applied; :class:`InputError` listing every bad entry.

    Unknown names, values that are not finite numbers and values outside a parameter's documented
    range are all reported, each as one problem.
    """
    infos = {p.name: p for p in param_info(params)}
    problems: list[Problem] = []
    values: dict[str, float] = {}
    for name, raw in overrides.items():
        info = infos.get(name)
        if info is None:
            known = ", ".join(sorted(infos))
            close = suggest(name, infos)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            problems.append(
                Problem(None, None, f"{lens}.{name}", f"unknown parameter ({hint}known: {known})")
            )
            continue
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(Problem(None, None, f"{lens}.{name}", f"{raw!r} is not a number"))
            continue
        if not math.isfinite(value) or not info.low <= value <= info.high:
            problems.append(
                Problem(
                    None,
                    None,
                    f"{lens}.{name}",
                    f"{raw!r} is outside the valid range [{info.low:g}, {info.high:g}]",
                )
            )
            continue
        values[name] = value
    if problems:
        raise InputError(problems)
    return dataclasses.replace(params, **values)


@dataclass(frozen=True)
class Term:
    """One named utility term of a lens.

    Attributes
    ----------
    name:
        Short identifier, e.g. ``relative_gains``; used by ``--set`` weights and counterfactuals.
    formula:
        The formula in words and symbols (symbols are those of :mod:`detente.lenses.features`).
    source:
        The literature the term comes from.
    function:
        ``(features, params) -> float``: the term's contribution to ``U(yes) - U(no)``.
    describe:
        Optional ``(features, params) -> str | None``: the world facts behind the term's value
        for one actor, in words (which state threatens, which union pooled autonomy), for
        explanations; ``None`` when there is nothing to say.
    """

    name: str
    formula: str
    source: str
    function: Callable[[Features, Any], float]
    describe: Callable[[Features, Any], str | None] | None = None


@dataclass(frozen=True, eq=False)
class Preferences:
    """Each actor's utility for each outcome, split into named terms.

    Attributes
    ----------
    actors:
        Actor ids (``n``): the deciders first, in side order, then other stakeholders.
    outcomes:
        The question's two outcomes in the question's order.
    terms:
        Term names (``k``).
    breakdown:
        ``(k, n, 2)`` array: term ``t``'s contribution to actor ``i``'s utility of each outcome
        (relative to the no outcome, whose column is 0). Read-only.
    yes_index:
        Column of the yes outcome in ``outcomes``.
    notes:
        How input values the sources do not give were filled (e.g. a carried-forward military
        expenditure), one line each; explanations show them.
    facts:
        ``(actor, term, text)``: the world facts behind a term's value for a decider, in words
        (:attr:`Term.describe`); explanations show those of the pivotal and reluctant actors.
    """

    actors: tuple[str, ...]
    outcomes: tuple[str, str]
    terms: tuple[str, ...]
    breakdown: FloatArray
    yes_index: int
    notes: tuple[str, ...] = ()
    facts: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        arr = np.array(self.breakdown, dtype=np.float64)
        if arr.shape != (len(self.terms), len(self.actors), 2):
            raise ValueError(f"breakdown has shape {arr.shape}, expected (terms, actors, 2)")
        arr.setflags(write=False)
        object.__setattr__(self, "breakdown", arr)

    @property
    def utilities(self) -> FloatArray:
        """``(n, 2)``: each actor's utility of each outcome (sum over terms)."""
        return np.asarray(self.breakdown.sum(axis=0))

    @property
    def margins(self) -> FloatArray:
        """``(n,)``: ``U(yes) - U(no)`` per actor."""
        u = self.utilities
        return np.asarray(u[:, self.yes_index] - u[:, 1 - self.yes_index])

    @property
    def term_margins(self) -> FloatArray:
        """``(k, n)``: each term's contribution to each actor's margin."""
        b = self.breakdown
        return np.asarray(b[:, :, self.yes_index] - b[:, :, 1 - self.yes_index])

    @property
    def stakes(self) -> FloatArray:
        """``(n,)``: ``sum_k |term_k|``, how much the actor has at stake (>= |margin|)."""
        return np.asarray(np.abs(self.term_margins).sum(axis=0))

    def index(self, actor: str) -> int:
        """Position of ``actor`` in :attr:`actors` (``KeyError`` if absent)."""
        try:
            return self.actors.index(actor)
        except ValueError:
            raise KeyError(actor) from None

    def margin_terms(self, actor: str) -> dict[str, float]:
        """``{term: contribution to actor's margin}``."""
        i = self.index(actor)
        return {t: float(v) for t, v in zip(self.terms, self.term_margins[:, i], strict=True)}

    def replace_margins(self, term_margins: FloatArray) -> Preferences:
        """A copy with the given ``(k, n)`` term margins (for counterfactuals)."""
        tm = np.asarray(term_margins, dtype=np.float64)
        b = np.zeros((len(self.terms), len(self.actors), 2))
        b[:, :, self.yes_index] = tm
        return dataclasses.replace(self, breakdown=b)

    def without_term(self, term: str) -> Preferences:
        """A copy in which ``term`` contributes nothing."""
        tm = np.array(self.term_margins)
        tm[self.terms.index(term)] = 0.0
        return self.replace_margins(tm)

    def indifferent(self, actor: str) -> Preferences:
        """A copy in which ``actor`` has nothing at stake (every term 0, margin 0)."""
        tm = np.array(self.term_margins)
        tm[:, self.index(actor)] = 0.0
        return self.replace_margins(tm)


def preferences_from_margins(
    actors: Sequence[str],
    outcomes: tuple[str, str],
    yes_index: int,
    terms: Sequence[str],
    term_margins: FloatArray,
    notes: Sequence[str] = (),
) -> Preferences:
    """Build :class:`Preferences` from ``(k, n)`` term margins (``U(no) = 0``)."""
    tm = np.asarray(term_margins, dtype=np.float64)
    b = np.zeros((len(terms), len(actors), 2))
    b[:, :, yes_index] = tm
    return Preferences(tuple(actors), outcomes, tuple(terms), b, yes_index, tuple(notes))


class Lens(Protocol):
    """What the explanation, backtest and forecasting bridge need of a lens."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def params(self) -> AcceptanceParams: ...

    @property
    def terms(self) -> tuple[Term, ...]: ...

    def preferences(self, snapshot: Any, question: Any) -> Preferences: ...

    def with_params(self, overrides: Mapping[str, object]) -> Lens: ...


@dataclass(frozen=True)
class TermLens:
    """A lens defined by a tuple of :class:`Term` objects and a parameter dataclass.

    This is the plain implementation of :class:`Lens` that the built-in lenses use; a user adds a
    lens by building one (``TermLens("mine", "...", MyParams(), (Term(...), ...))``) and passing it
    to :func:`detente.lenses.registry.register_lens`.
    """

    name: str
    description: str
    params: AcceptanceParams
    terms: tuple[Term, ...]

    def preferences(self, snapshot: Any, question: Any) -> Preferences:
        """Every stakeholder's term values for the question's yes outcome, as of ``snapshot``."""
        from detente.lenses.features import question_features

        notes: list[str] = []
        feats = question_features(snapshot, question, self.params, notes)
        actors = tuple(f.actor for f in feats)
        values = np.array(
            [[term.function(f, self.params) for f in feats] for term in self.terms],
            dtype=np.float64,
        ).reshape(len(self.terms), len(actors))
        yes_index = list(question.outcomes).index(question.yes_outcome)
        prefs = preferences_from_margins(
            actors, tuple(question.outcomes), yes_index, [t.name for t in self.terms], values, notes
        )
        facts = tuple(
            (f.actor, term.name, text)
            for f in feats
            if f.decider
            for term in self.terms
            if term.describe is not None and (text := term.describe(f, self.params))
        )
        return dataclasses.replace(prefs, facts=facts)

    def with_params(self, overrides: Mapping[str, object]) -> TermLens:
        """A copy with validated parameter overrides (see :func:`with_overrides`)."""
        return dataclasses.replace(self, params=with_overrides(self.params, overrides, self.name))
