"""The decider: the project's decision process, evaluated for the deciders only and cached.

A simulated year raises a hundred or more decisions (every member may leave every body, every
possible member may join, every host may close every base), and each is decided with the same
process as explanations and backtests (:mod:`detente.decision`): the lens gives each decider a
utility margin, each decider accepts with the tempered logit, the deciding sides' rules combine
the acceptances. Two things make that affordable through time:

* only the deciders' features are computed: the other stakeholders of a question (the other
  members of a body a state leaves) shape its explanation, never ``P(yes)``, because a lens's
  terms are per actor (:class:`detente.lenses.base.TermLens`);
* one :class:`detente.lenses.features.WorldView` per snapshot, whose pure queries (shares,
  presences, rivalries...) are memoised, serves every question asked of that snapshot.

Both are exact: a test checks ``P(yes)`` against :func:`detente.decision.decide` on a sample of
opportunities. A lens that is not a ``TermLens`` goes through ``lens.preferences`` unchanged.

**Calibrated probabilities.** With a fitted stack (:mod:`detente.forecaster`), an opportunity's
probability is the stack's: the lens probability at the stack's fitted logit ``scale`` and member
correlation ``rho``, with the outside-view terms (status quo, whether the decision was tabled,
the proposer's record, who decides, veto players). The stack is fitted by
:func:`fit_calibration` on episodes dated strictly before the simulation starts.

**Several lenses** (:class:`StackedDecider`): the stack of the backtest, fitted on all the lenses
given at once (``detente simulate --lens realist --lens liberal --stack``), decides from each
lens's probability at the stack's grid point and the same outside-view terms. It is the model the
leave-future-out backtest scores (without the bargaining signal, whose Monte Carlo per
opportunity would cost minutes a year), so a lens's reading that the others contradict is
weighed as the backtest weighs it, not taken alone.

**Stances** (a scenario's "the US indifferent in 2009") replace a decider's acceptance before the
rules combine them: ``indifferent`` gives it no stake (the silence default of
:func:`detente.decision.silence_defaults`), ``for`` and ``against`` make it accept the yes outcome
with probability 1 or 0. When such a stance settles the decision (``P(yes)`` is then exactly 0 or
1), that probability is used as it is, not passed through the stack.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.decision import acceptance as decider_acceptance
from detente.decision import led_sides_probability
from detente.decisions import Episode, Question, Side, deciding_sides, sides_probability
from detente.errors import DetenteError
from detente.forecaster import (
    GRID,
    EpisodeSignals,
    StackedModel,
    fit_stack,
    outside_terms,
    with_prior_behaviour,
)
from detente.lenses.base import Lens, Preferences, TermLens, preferences_from_margins
from detente.lenses.features import (
    WorldView,
    actor_features,
    question_tie,
)
from detente.world import Snapshot

__all__ = [
    "STANCES",
    "Decider",
    "StackedDecider",
    "Verdict",
    "fit_calibration",
]

STANCES = ("indifferent", "for", "against")
"""What a scenario may fix an actor's stance to (see the module docstring)."""

TOP_TERMS = 3
"""Terms kept in an event's explanation (largest absolute contribution to a decider's margin)."""

# Pure queries of a WorldView: their answers depend only on the snapshot, so one view can memoise
# them for every question asked of it. (known_cap, threat and defence_orgs memoise themselves.)
_PURE = (
    "members",
    "share",
    "presence",
    "rivalry",
    "takes_part",
    "obligation",
    "treaty_defence",
    "bilateral_defence",
    "backing",
    "union_with",
    "earlier_exit",
    "intentions",
    "security",
    "leader",
    "forces_near",
    "direct_rivals",
)


def _memoised(method: Callable[..., Any]) -> Callable[..., Any]:
    name = f"_memo_{method.__name__}"

    @functools.wraps(method)
    def wrapper(self: WorldView, *args: Any) -> Any:
        cache = self.__dict__.setdefault(name, {})
        if args not in cache:
            cache[args] = method(self, *args)
        value = cache[args]
        # lists and dicts are copied, as the unmemoised methods return fresh ones
        return value.copy() if isinstance(value, list | dict) else value

    return wrapper


SharedView: type[WorldView] = type(
    "SharedView",
    (WorldView,),
    {name: _memoised(getattr(WorldView, name)) for name in _PURE},
)
"""A :class:`WorldView` whose pure queries are memoised (one per snapshot, shared by questions)."""


@dataclass(frozen=True)
class Verdict:
    """One decision as the simulation draws it.

    ``p`` is ``P(yes outcome)`` (calibrated when a stack is used, else the lens's); ``lens_p``
    the lens's own probability; ``terms`` the explanation: up to :data:`TOP_TERMS` ``(actor,
    term, contribution to the actor's margin)``, largest first, over the deciders.
    """

    p: float
    lens_p: float
    terms: tuple[tuple[str, str, float], ...]


def _deciders(sides: Sequence[Side]) -> list[str]:
    out: list[str] = []
    for side in sides:
        out.extend(a for a in side.actors if a not in out)
    return out


def _top_terms(prefs: Preferences) -> tuple[tuple[str, str, float], ...]:
    tm = prefs.term_margins
    found = [
        (prefs.actors[i], prefs.terms[k], float(tm[k, i]))
        for k in range(tm.shape[0])
        for i in range(tm.shape[1])
        if tm[k, i] != 0.0
    ]
    found.sort(key=lambda t: (-abs(t[2]), t[0], t[1]))
    return tuple(found[:TOP_TERMS])


class Decider:
    """Decides questions under one lens, with one shared view per snapshot.

    Parameters
    ----------
    lens:
        The lens (its parameters are used as they stand).
    history:
        The decisions the lenses' memory features may read (earlier requests for assistance):
        the simulation passes only episodes dated before its start (and outcomes a scenario
        fixes), so a decision never reads the record it is meant to reproduce.
    stack:
        A fitted stack (:func:`fit_calibration`) for calibrated probabilities, or ``None`` for
        the lens's own.
    prior:
        ``proposer -> type -> (yes, n)``: each proposer's record before the start, for the
        stack's ``prior_behaviour`` input.
    """

    def __init__(
        self,
        lens: Lens,
        history: Sequence[Episode],
        stack: StackedModel | None = None,
        prior: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    ) -> None:
        self.lens = lens
        self.history = tuple(history)
        self.stack = stack
        self.prior = dict(prior or {})
        self._views: dict[int, tuple[Snapshot, WorldView]] = {}

    @property
    def name(self) -> str:
        """The decider's name in results: its lens's."""
        return self.lens.name

    def with_stack(
        self, stack: StackedModel, prior: Mapping[tuple[str, str], tuple[int, int]]
    ) -> Decider:
        """The same decider, calibrated by ``stack`` (``prior``: the proposers' records)."""
        return Decider(self.lens, self.history, stack, prior)

    def forget_views(self) -> None:
        """Drop the views held (before the decider is sent to worker processes)."""
        self._views.clear()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_views"] = {}  # keyed by object ids, meaningless in another process
        return state

    def view(self, snap: Snapshot) -> WorldView:
        """The shared view of ``snap`` (the last 8 snapshots' views are kept)."""
        held = self._views.get(id(snap))
        if held is not None and held[0] is snap:
            return held[1]
        view = SharedView(snap)
        while len(self._views) >= 8:
            self._views.pop(next(iter(self._views)))
        self._views[id(snap)] = (snap, view)
        return view

    def preferences(self, snap: Snapshot, question: Question, sides: Sequence[Side]) -> Preferences:
        """The lens's preferences of the deciders of ``question`` (in side order)."""
        lens = self.lens
        if not isinstance(lens, TermLens):
            return lens.preferences(snap, question)
        view = self.view(snap)
        tie = question_tie(question)
        actors = _deciders(sides)
        feats = [
            actor_features(
                view,
                a,
                tie,
                decider=True,
                params=lens.params,
                invoked=view.invoked(question.clause) if tie.kind == "assistance" else None,
                history=self.history,
                skip=question.id,
            )
            for a in actors
        ]
        values = np.array(
            [[term.function(f, lens.params) for f in feats] for term in lens.terms],
            dtype=np.float64,
        ).reshape(len(lens.terms), len(actors))
        yes = list(question.outcomes).index(question.yes_outcome)
        return preferences_from_margins(
            actors,
            (question.outcomes[0], question.outcomes[1]),
            yes,
            [t.name for t in lens.terms],
            values,
        )

    def grid(
        self,
        snap: Snapshot,
        question: Question,
        stances: Mapping[str, str] | None = None,
    ) -> tuple[tuple[float, ...], tuple[Side, ...], Preferences]:
        """``P(yes)`` at every point of :data:`detente.forecaster.GRID`, the sides and prefs."""
        sides = tuple(deciding_sides(question, snap))
        prefs = self.preferences(snap, question, sides)
        out = []
        for scale, rho, follow in GRID:
            params = dataclasses.replace(self.lens.params, scale=scale)
            acc = _with_stances(prefs, sides, question, params, stances)
            correlated = tuple(dataclasses.replace(s, rho=rho) for s in sides)
            out.append(float(led_sides_probability(correlated, acc, snap, follow)))
        return tuple(out), sides, prefs

    def decide(
        self,
        snap: Snapshot,
        question: Question,
        *,
        tabled: bool,
        stances: Mapping[str, str] | None = None,
    ) -> Verdict:
        """Decide ``question`` as of ``snap``; ``tabled`` says it was put on the table (a
        hand-coded episode) rather than an opportunity drawn from the world."""
        sides = tuple(deciding_sides(question, snap))
        stack = self.stack
        point = None if stack is None else (stack.scale, stack.rho, stack.follow)
        lens_p, p_point, prefs = self.at_grid_point(snap, question, sides, point, stances)
        terms = _top_terms(prefs)
        if stack is None or _settled(sides, stances, [lens_p]):
            return Verdict(lens_p, lens_p, terms)
        signals = _signals(
            question, sides, tabled, snap, {self.lens.name: p_point}, stack, self.prior
        )
        return Verdict(stack.forecast(signals).p, lens_p, terms)

    def at_grid_point(
        self,
        snap: Snapshot,
        question: Question,
        sides: Sequence[Side],
        point: tuple[float, float, float] | None,
        stances: Mapping[str, str] | None = None,
    ) -> tuple[float, float, Preferences]:
        """``(P(yes) at the lens's own scale, P(yes) at the stack's grid point ``(scale, rho,
        follow)``, the preferences)``: what :meth:`decide` and a :class:`StackedDecider` read.
        Without a ``point`` the second probability is the first."""
        prefs = self.preferences(snap, question, sides)
        acc = _with_stances(prefs, sides, question, self.lens.params, stances)
        own = float(sides_probability(tuple(sides), acc))
        if point is None:
            return own, own, prefs
        scale, rho, follow = point
        params = dataclasses.replace(self.lens.params, scale=scale)
        acc = _with_stances(prefs, sides, question, params, stances)
        correlated = tuple(dataclasses.replace(s, rho=rho) for s in sides)
        return own, float(led_sides_probability(correlated, acc, snap, follow)), prefs


class StackedDecider:
    """Decides questions with the stack of several lenses (see the module docstring).

    Parameters
    ----------
    lenses:
        The lenses the stack combines (two or more; their parameters as they stand).
    history, prior:
        As for :class:`Decider`.
    stack:
        The stack fitted on all ``lenses`` (:func:`fit_calibration`); required to decide.
    """

    def __init__(
        self,
        lenses: Sequence[Lens],
        history: Sequence[Episode],
        stack: StackedModel | None = None,
        prior: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    ) -> None:
        if len(lenses) < 2:
            raise ValueError("a stacked decider combines at least two lenses")
        names = [lens.name for lens in lenses]
        if len(set(names)) < len(names):
            raise ValueError(f"a lens is given twice: {', '.join(names)}")
        self.parts = tuple(Decider(lens, history) for lens in lenses)
        self.history = tuple(history)
        self.stack = stack
        self.prior = dict(prior or {})

    @property
    def name(self) -> str:
        """``stack-<lens>-<lens>...``: the decider's name in results (and a folder name)."""
        return "stack-" + "-".join(self.lens_names)

    @property
    def lens_names(self) -> list[str]:
        """The lenses' names, in the order given."""
        return [part.lens.name for part in self.parts]

    def with_stack(
        self, stack: StackedModel, prior: Mapping[tuple[str, str], tuple[int, int]]
    ) -> StackedDecider:
        """The same lenses, decided by ``stack`` (``prior``: the proposers' records)."""
        return StackedDecider([part.lens for part in self.parts], self.history, stack, prior)

    def forget_views(self) -> None:
        """Drop every lens's views (before the decider is sent to worker processes)."""
        for part in self.parts:
            part.forget_views()

    def decide(
        self,
        snap: Snapshot,
        question: Question,
        *,
        tabled: bool,
        stances: Mapping[str, str] | None = None,
    ) -> Verdict:
        """Decide ``question`` as of ``snap`` by the stack (:meth:`Decider.decide`'s arguments).

        ``Verdict.lens_p`` is the lenses' equal-weight logit pool (each clipped as the stack
        clips it); the explanation's terms are the largest over all lenses, named
        ``lens:term``."""
        if self.stack is None:
            raise DetenteError("a stacked decider needs a fitted stack (fit_calibration)")
        stack = self.stack
        sides = tuple(deciding_sides(question, snap))
        point = (stack.scale, stack.rho, stack.follow)
        own: list[float] = []
        at_point: dict[str, float] = {}
        found: list[tuple[str, str, float]] = []
        for part in self.parts:
            p_own, p_point, prefs = part.at_grid_point(snap, question, sides, point, stances)
            own.append(p_own)
            at_point[part.lens.name] = p_point
            found.extend((a, f"{part.lens.name}:{t}", v) for a, t, v in _top_terms(prefs))
        found.sort(key=lambda t: (-abs(t[2]), t[0], t[1]))
        terms = tuple(found[:TOP_TERMS])
        if _settled(sides, stances, own):
            return Verdict(own[0], own[0], terms)
        signals = _signals(question, sides, tabled, snap, at_point, stack, self.prior)
        return Verdict(stack.forecast(signals).p, _logit_pool(own), terms)


def _settled(sides: Sequence[Side], stances: Mapping[str, str] | None, ps: Sequence[float]) -> bool:
    """Whether a decider's ``for`` or ``against`` stance settles the decision: ``P(yes)`` is the
    same 0 or 1 under every lens, which the stack must not recalibrate away."""
    deciders = set(_deciders(sides))
    fixed = any(st in ("for", "against") and a in deciders for a, st in (stances or {}).items())
    return fixed and len(set(ps)) == 1 and ps[0] in (0.0, 1.0)


def _logit_pool(ps: Sequence[float]) -> float:
    from detente.forecaster import LENS_CLIP

    zs = [math.log(p / (1.0 - p)) for p in (min(max(q, LENS_CLIP), 1.0 - LENS_CLIP) for q in ps)]
    return 1.0 / (1.0 + math.exp(-sum(zs) / len(zs)))


def _with_stances(
    prefs: Preferences,
    sides: Sequence[Side],
    question: Question,
    params: Any,
    stances: Mapping[str, str] | None,
) -> dict[str, float]:
    if stances:
        for actor, stance in stances.items():
            if stance == "indifferent" and actor in prefs.actors:
                prefs = prefs.indifferent(actor)
    acc = decider_acceptance(prefs, sides, question, params)
    for actor, stance in (stances or {}).items():
        if actor in acc and stance in ("for", "against"):
            acc[actor] = 1.0 if stance == "for" else 0.0
    return acc


def _signals(
    question: Question,
    sides: Sequence[Side],
    tabled: bool,
    snap: Snapshot,
    p: Mapping[str, float],
    stack: StackedModel,
    prior: Mapping[tuple[str, str], tuple[int, int]],
) -> EpisodeSignals:
    # the target's record and the time since the last change keep their "no record" values:
    # a simplification of the simulation, stated in docs/simulation.md
    terms = outside_terms(question, sides, tabled=tabled, snap=snap)
    k, n = prior.get((question.proposer, question.type), (0, 0))
    if n:
        terms["prior_behaviour"] = math.log((k + 0.5) / (n - k + 0.5))

    def at_point(value: float) -> tuple[float, ...]:
        grid = [0.0] * len(GRID)
        grid[stack.grid_index] = value  # the stack reads only its own grid point
        return tuple(grid)

    return EpisodeSignals(
        question.id,
        question.date,
        question.type,
        "hand-coded" if tabled else "generated",
        question.proposer,
        0,
        {lens: at_point(value) for lens, value in p.items()},
        terms,
    )


def prior_record(episodes: Sequence[Episode]) -> dict[tuple[str, str], tuple[int, int]]:
    """``(proposer, type) -> (yes outcomes, episodes)`` over ``episodes``."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for e in episodes:
        k, n = out.get((e.proposer, e.type), (0, 0))
        out[(e.proposer, e.type)] = (k + int(e.yes_happened), n + 1)
    return out


def fit_calibration(
    decider: Decider | StackedDecider,
    episodes: Sequence[Episode],
    snapshot: Callable[[Episode], Snapshot],
) -> tuple[StackedModel | None, str]:
    """Fit the stack (the decider's lens or lenses plus the outside-view terms) on ``episodes``.

    ``episodes`` must all be dated before the simulation starts (the caller filters them);
    ``snapshot(e)`` gives the world as known before ``e``. Returns the model, or ``None`` with
    the reason when the episodes cannot support a fit (fewer than 20, or one outcome only).
    """
    parts = decider.parts if isinstance(decider, StackedDecider) else (decider,)
    names = [part.lens.name for part in parts]
    signals = []
    for e in episodes:
        snap = snapshot(e)
        try:
            grids = {}
            for part in parts:
                grids[part.lens.name], sides, _ = part.grid(snap, e)
        except DetenteError:
            continue  # e.g. the deciding organisation does not exist in this world on that day
        terms = outside_terms(e, sides, tabled=e.origin == "hand-coded", snap=snap)
        signals.append(EpisodeSignals.of(e, grids, terms))
    ys = {s.y for s in signals}
    if len(signals) < 20 or len(ys) < 2:
        return None, f"{len(signals)} episodes before the start, too few to calibrate on"
    model = fit_stack(with_prior_behaviour(signals), names, outside=True)
    fitted = "stack" if len(names) == 1 else f"stack of {' and '.join(names)}"
    return model, f"{fitted} fitted on {len(signals)} episodes dated before the start"
