"""The stacked forecaster: a theory-anchored logistic model over named signals.

Each lens gives a probability for an episode's yes outcome; alone, the lenses are badly
calibrated and weakly discriminating (``docs/backtest.md``). The stack combines them with
"outside view" terms in one Bayesian logistic regression fitted by maximum a posteriori (MAP) with
Gaussian priors, the form that Gelman et al. (2008, *Annals of Applied Statistics* 2:1360-1383)
recommend for small, separable data, and that Dawes (1979, *American Psychologist* 34:571-582)
motivates: weights shrunk towards a theory's, not fitted freely. On the logit scale,

    logit P(yes) = a + u_T + sum_L (beta_L + beta_{L,T} + beta_{L,O}) z_L
                   + sum_L (delta_L + delta_{L,T} + delta_{L,O}) b_L + sum_k gamma_k x_k

for an episode of decision type ``T`` and origin ``O``, with the named inputs

* ``lens:L`` -- ``z_L = logit P_L(yes)``, lens ``L``'s probability computed with the logit
  ``scale`` and member correlation ``rho`` of the grid point chosen (below), clipped to
  ``[LENS_CLIP, 1 - LENS_CLIP]``. Prior ``beta_L ~ N(1/m, 0.5**2)`` for ``m`` lenses: centred on the
  theory (the lenses' equal-weight logit pool; weight 1 for a single lens).
* ``status_quo`` -- +1 if the yes outcome is the status quo (a base kept, a member staying),
  -1 otherwise: the persistence of the status quo, which carries most of the skill of structural
  early-warning models (Hegre et al. 2013, *ISQ* 57:250-270). Prior ``N(0, 1)``.
* ``tabled`` -- the agenda term: 1 if the decision was actually on the table (a hand-coded
  episode: a proposal, request or notice that somebody made), 0 for a mere opportunity drawn from
  the world (:mod:`detente.decisions.opportunities`), where nobody asked and nothing is decided
  unless somebody acts. ``tabled_status_quo`` (``tabled * status_quo``) lets persistence work
  differently on tabled decisions. Priors ``N(0, 1)``. Both are known before the outcome.
* ``prior_behaviour`` -- the proposer's record in earlier episodes of the same type: the smoothed
  log-odds ``ln((k + 1/2) / (n - k + 1/2))`` of its ``k`` yes outcomes in ``n`` episodes dated
  strictly before this one (0 without history). Prior ``N(0, 1)``.
* ``proposer_decides`` -- 1 if the proposer decides alone (agenda control: the actor asking
  holds the decision, e.g. a state leaving a treaty), else 0. Prior ``N(0, 1)``.
* ``veto_players`` -- ``ln`` of the number of deciders under consensus rules (each can block;
  Tsebelis 2002), 0 for a single decider. Prior ``N(0, 1)``.
* ``target_behaviour`` -- the target's record as the one asked in earlier episodes of the same
  type (the same smoothed log-odds, 0 without history). Prior ``N(0, 1)``.
* ``years_since_change`` -- ``ln(1 + years)`` since the last earlier episode of the same proposer
  and target whose recorded outcome changed the status quo; ``no_change_record`` is 1 (and
  ``years_since_change`` 0) when there is none: unknown is not zero, the indicator's coefficient
  carries those episodes' difference. Priors ``N(0, 1)``.
* ``consensus_rule`` -- 1 if a deciding body of two or more members decides by consensus (the
  organisation's recorded rule), else 0. Prior ``N(0, 1)``.
* ``pledged`` -- the agenda a body set itself, for a tabled request to join (0 for a generated
  opportunity: nobody applied): +1 if, before the episode, the deciding organisation pledged in an
  official text to admit applicants such as this one at the coming meeting (or once a named
  condition was met, and it was); -1 if it has pledged such decisions before but no pledge binds
  now; 0 if none of its pledges is known (unknown, not "none"). Read from the world's
  :class:`~detente.world.records.Pledge` records by :func:`pledged`. A pledge is a rhetorical
  commitment that binds the members who made it (Schimmelfennig 2001, *International
  Organization* 55:47-80) and paces enlargement rounds (Kydd 2001, *IO* 55:801-828). Only NATO's
  texts are coded so far (``docs/backtest.md``). Prior ``N(0, 1)``.
* ``bargain:L`` -- the bargaining models' signal: ``logit P(outcome > 50)`` from the EUM run on
  the stakeholder table that lens ``L`` derives from the world the day before the episode, exactly
  as ``detente forecast EPISODE --lens L --runs 32 --seed 0 --sensitivity none`` computes it
  (:data:`BARGAIN_RUNS` replicates), smoothed to ``(k + 1/2) / (runs + 1)``. An episode *has a
  bargaining question* under ``L`` when at least three of its stakeholders have something at stake
  (salience at least :data:`detente.lenses.table.MIN_SALIENCE`: the models' minimum table, not
  padded with indifferent actors) and the model runs; otherwise the signal is **missing**:
  ``bargain:L`` is then 0 and ``bargain_missing:L`` is 1, so that a fitted coefficient, not a
  made-up probability of 0.5, says what such episodes do. Priors ``N(0, 0.5**2)`` (centred on no
  weight: the signal must earn it) and ``N(0, 1)``.
* ``a`` (``intercept``, prior ``N(0, 2**2)``) and one offset per decision type (``type:T``, prior
  ``N(0, 1)``: partial pooling of the types towards the common intercept).
* ``lens:L|type:T`` and ``bargain:L|type:T`` -- the lens and bargaining weights *partially pooled
  by decision type* (Gelman & Hill 2007, *Data Analysis Using Regression and
  Multilevel/Hierarchical Models*, ch. 12-13, varying slopes): the input ``z_L`` (or ``b_L``) on
  an episode of type ``T`` and 0 on the others, so that type ``T``'s weight is the common weight
  plus the offset ``beta_{L,T}``. Priors ``N(0, 0.5**2)``, the common weights' own spread: each
  offset is shrunk to 0 (the type's weight to the common one) by as much as the type's episodes
  fail to speak against it, so a type with few episodes keeps nearly the common weight. One
  offset per type of the training set, and none when it holds a single type (the common weight
  is then that type's: the model is exactly the one without offsets). The outside-view terms
  stay common to all types (``docs/backtest.md`` argues the choice).
* ``lens:L|origin:O`` and ``bargain:L|origin:O`` -- the same weights partially pooled by
  *origin*, in the same form (Gelman & Hill 2007, ch. 13, varying slopes; additive to the type
  offsets): ``z_L`` (or ``b_L``) on an episode of origin ``O`` and 0 on the others, prior
  ``N(0, (tau * OFFSET_SD)**2)``. A generated opportunity (nobody asked, nothing changes) and a
  hand-coded contested decision are different data-generating processes, and since most training
  episodes are generated, one common weight is in effect the generated episodes' weight: the
  offset lets a lens weigh differently where decisions are contested, by as much as the
  hand-coded episodes speak for it. :data:`REFERENCE_ORIGIN` (generated) gets no offset, so the
  common weight is its weight (shrunk towards the theory) and ``beta_{L,O}`` the departure of
  origin ``O``; the origin's intercept is already the outside-view term ``tabled``. Offsets exist
  only when the training set holds two origins; with one, the model is exactly the one without.

Every prior standard deviation except the intercept's is multiplied by a *prior scale* ``tau``
(default 1). :func:`choose_calibration` picks ``tau`` from :data:`PRIOR_SCALES` by the log score
of an inner leave-future-out on the training episodes alone (never on scored ones), and fits
there, on the inner forecasts, a recalibration map per origin (Platt 1999).

The forecast reported for the stack (:class:`CalibratedStack`) is not the plug-in MAP
probability but (1) the posterior-predictive probability, integrating the Laplace uncertainty of
the coefficients (MacKay 1992, :func:`predictive_logit`), (2) recalibrated by that map, and
(3) bounded by ``(1/2) / (n + 1)`` from the ``n`` comparable earlier episodes (same type and
origin): a forecast is never more certain than the record could make it.

The lens ``scale``, ``rho`` and ``follow`` are parameters of the model: the MAP fit is run at every
point of :data:`GRID` and the point with the highest posterior density on the training episodes is
kept (the logit scale is thus fitted, never fixed at the lenses' default). ``follow`` is the
leader-follower chance of :func:`detente.decision.led_sides_probability`: with ``follow > 0`` an
organisation led by a hegemon (read from the world's military expenditure) decides as its members
copy the leader. The explanation of a
forecast is exactly additive on the logit scale: ``coef_k * x_k`` per named input. Its interval
is the Laplace approximation: the MAP estimate with the inverse Hessian of the log posterior as
covariance, giving ``expit(eta +- 1.645 sd)`` (90 %).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

from detente.decision import acceptance, led_sides_probability
from detente.decisions import Episode, Question, Side, deciding_sides
from detente.errors import DetenteError
from detente.lenses.base import Lens, Preferences
from detente.world import Snapshot, World
from detente.world.records import PledgedDecision

__all__ = [
    "BARGAIN_RUNS",
    "FLOOR_HALF",
    "GRID",
    "LENS_CLIP",
    "OFFSET_SD",
    "OUTSIDE_TERMS",
    "PRIOR_SCALES",
    "RECALIBRATION_PRIOR",
    "REFERENCE_ORIGIN",
    "CalibratedStack",
    "Calibration",
    "EpisodeSignals",
    "StackedForecast",
    "StackedModel",
    "bargaining_signal",
    "choose_calibration",
    "episode_signals",
    "fit_calibrated_stack",
    "fit_stack",
    "outside_terms",
    "predictive_logit",
    "with_prior_behaviour",
]

FloatArray = NDArray[np.float64]

GRID: tuple[tuple[float, float, float], ...] = tuple(
    (scale, rho, follow)
    for scale in (0.1, 0.3, 1.0)
    for rho, follow in ((0.0, 0.0), (0.5, 0.0), (0.9, 0.0), (0.0, 0.5), (0.5, 0.5))
)
"""Lens ``(scale, rho, follow)`` grid: the lenses' default scale 0.1 and two blunter ones;
independent and correlated members; hegemonic bodies with and without followers copying their
leader (``follow`` 0.5 is combined with the lower correlations only: following is itself a
correlation)."""

BARGAIN_RUNS = 32
"""Monte Carlo replicates of the EUM behind each bargaining signal (seed 0 per episode, so that one
episode's signal never depends on which other episodes are evaluated)."""

BARGAIN_THRESHOLD = 50.0
"""A lens table runs from the no outcome (0) to the yes outcome (100): P(> 50) is P(yes wins)."""

PRIOR_SCALES = (0.25, 0.5, 1.0, 2.0)
"""Candidate prior scales ``tau`` for the inner leave-future-out (module docstring): from strong
shrinkage towards the priors (0.25) to loose priors (2)."""

RECALIBRATION_PRIOR = ((0.0, 1.0), (1.0, 0.5))
"""Priors ``(mean, sd)`` of the recalibration map's intercept ``a ~ N(0, 1)`` and slope
``b ~ N(1, 0.5**2)``: centred on the identity map (:class:`Calibration`)."""

FLOOR_HALF = 0.5
"""The bound's pseudo-count: a forecast is never more extreme than ``(0 + 1/2) / (n + 1)`` or
``(n + 1/2) / (n + 1)`` for ``n`` comparable earlier episodes (:meth:`CalibratedStack.floor`)."""

OFFSET_SD = 0.5
"""Prior sd (times ``tau``) of a lens's or bargaining signal's offset by decision type: the sd of
the common weights' own priors (a type's weight differs from the common one by about as much as
that is a priori uncertain; ``docs/backtest.md``, the one value tried)."""

REFERENCE_ORIGIN = "generated"
"""The origin whose episodes carry no origin offset: the lens and bargaining weights' common values
are theirs (plus shrinkage), and every other origin's weight is the common one plus its offset."""

LENS_CLIP = 0.01
"""Lens probabilities enter the stack as logits of values clipped to [0.01, 0.99]."""

OUTSIDE_TERMS = (
    "status_quo",
    "tabled",
    "tabled_status_quo",
    "prior_behaviour",
    "proposer_decides",
    "veto_players",
    "target_behaviour",
    "years_since_change",
    "no_change_record",
    "consensus_rule",
    "pledged",
)
"""The outside-view inputs, in column order."""

_Z90 = 1.6448536269514722


@dataclass(frozen=True)
class EpisodeSignals:
    """What the stack knows of one episode: its lens probabilities and outside-view inputs.

    ``lens_p`` maps each lens to ``P(yes)`` at every point of :data:`GRID`; ``terms`` the
    outside-view inputs (the history terms are filled by :func:`with_prior_behaviour`);
    ``bargain`` each lens's bargaining signal ``P(outcome > 50)``, ``None`` where the episode has no
    bargaining question under that lens (missing, never 0).
    """

    episode: str
    date: dt.date
    type: str
    origin: str
    proposer: str
    y: int
    lens_p: Mapping[str, tuple[float, ...]]
    terms: Mapping[str, float]
    bargain: Mapping[str, float | None] = dataclasses.field(default_factory=dict)
    target: str = ""

    @classmethod
    def of(
        cls,
        episode: Episode,
        lens_p: Mapping[str, tuple[float, ...]],
        terms: Mapping[str, float],
        bargain: Mapping[str, float | None] | None = None,
        *,
        target: str = "",
    ) -> EpisodeSignals:
        """The signals of ``episode`` (its id, date, type, origin, proposer and outcome)."""
        return cls(
            episode.id,
            episode.date,
            episode.type,
            episode.origin,
            episode.proposer,
            int(episode.yes_happened),
            lens_p,
            terms,
            {} if bargain is None else bargain,
            target,
        )


class _Known:
    """A lens whose preferences for one episode are already computed (the stakeholder table of
    the bargaining signal reads them again otherwise: they dominate the cost)."""

    def __init__(self, lens: Lens, prefs: Preferences) -> None:
        self.name, self.params, self._prefs = lens.name, lens.params, prefs

    def preferences(self, snapshot: Snapshot, question: Question) -> Preferences:
        return self._prefs


def _grid_probabilities(
    lens: Lens, snap: Snapshot, sides: Sequence[Side], episode: Episode, prefs: Preferences
) -> tuple[float, ...]:
    out = []
    accepted: dict[float, dict[str, float]] = {}
    for scale, rho, follow in GRID:
        if scale not in accepted:
            params = dataclasses.replace(lens.params, scale=scale)
            accepted[scale] = acceptance(prefs, sides, episode, params)
        correlated = tuple(dataclasses.replace(s, rho=rho) for s in sides)
        out.append(float(led_sides_probability(correlated, accepted[scale], snap, follow)))
    return tuple(out)


def bargaining_signal(
    lens: Lens,
    world: World,
    episode: Episode,
    *,
    runs: int = BARGAIN_RUNS,
    prefs: Preferences | None = None,
) -> float | None:
    """``P(outcome > 50)`` of the EUM on ``lens``'s stakeholder table of ``episode``, or ``None``.

    The table is the one ``detente forecast EPISODE --lens L`` runs on (world as of the day before);
    ``runs`` replicates from seed 0 as that command draws them; the share ``k / runs`` is smoothed
    to ``(k + 1/2) / (runs + 1)`` so that its logit is finite. ``None`` (missing) when fewer than
    three stakeholders have something at stake or the model cannot run (module docstring).
    ``prefs`` are the lens's preferences for the episode if already computed.
    """
    from detente.forecast.montecarlo import Perturbation, run_monte_carlo
    from detente.forecast.table import MIN_ACTORS
    from detente.lenses.table import MIN_SALIENCE, stakeholder_table
    from detente.rng import as_generator, spawn_generators

    known = lens if prefs is None else cast(Lens, _Known(lens, prefs))
    try:
        table = stakeholder_table(world.at(episode.date), episode, known)
    except DetenteError:
        return None
    if int((table.salience[:, 0] >= MIN_SALIENCE).sum()) < MIN_ACTORS:
        return None
    mc_rng, _ = spawn_generators(as_generator(0), 2)  # as `detente forecast --seed 0` does
    try:
        result = run_monte_carlo(
            table, "eum", runs, Perturbation(), None, mc_rng, keep_inputs=False
        )
    except DetenteError:
        return None
    k = result.p_exceeds(BARGAIN_THRESHOLD) * runs
    return (k + 0.5) / (runs + 1.0)


def episode_signals(
    episodes: Sequence[Episode],
    world: World,
    lenses: Sequence[Lens],
    *,
    bargain: bool = False,
) -> tuple[list[EpisodeSignals], list[tuple[str, str]]]:
    """Signals of every episode that can be evaluated in ``world``, and the skipped ones.

    Lens inputs come from ``world.at(episode.date)`` only; the history terms are added from the
    episodes themselves, each from those dated strictly before it. With ``bargain``, each lens's
    bargaining signal (:func:`bargaining_signal`) too.
    """
    found: list[EpisodeSignals] = []
    skipped: list[tuple[str, str]] = []
    for e in episodes:
        try:
            snap = world.at(e.date)
            sides = deciding_sides(e, snap)
            prefs = {lens.name: lens.preferences(snap, e) for lens in lenses}
            lens_p = {
                lens.name: _grid_probabilities(lens, snap, sides, e, prefs[lens.name])
                for lens in lenses
            }
        except DetenteError as exc:
            skipped.append((e.id, str(exc)))
            continue
        bargains = (
            {
                lens.name: bargaining_signal(lens, world, e, prefs=prefs[lens.name])
                for lens in lenses
            }
            if bargain
            else {}
        )
        terms = outside_terms(e, sides, tabled=e.origin == "hand-coded", snap=snap)
        found.append(EpisodeSignals.of(e, lens_p, terms, bargains, target=e.target))
    return with_prior_behaviour(found), skipped


def outside_terms(
    question: Question, sides: Sequence[Side], *, tabled: bool, snap: Snapshot
) -> dict[str, float]:
    """The outside-view inputs of ``question`` decided by ``sides`` (module docstring), with the
    history terms at their "no record" values (:func:`with_prior_behaviour` fills them in from
    earlier episodes). ``tabled``: the decision was put on the table (a hand-coded episode);
    ``snap``: the world as known before the decision (for :func:`pledged`)."""
    deciders = {a for s in sides for a in s.actors}
    vetoes = sum(len(s.actors) for s in sides if s.rule == "consensus")
    sq = 1.0 if question.status_quo == question.yes_outcome else -1.0
    on_table = 1.0 if tabled else 0.0
    consensus_body = any(len(s.actors) > 1 and s.rule == "consensus" for s in sides)
    return {
        "status_quo": sq,
        "tabled": on_table,
        "tabled_status_quo": on_table * sq,
        "prior_behaviour": 0.0,
        "proposer_decides": 1.0 if deciders == {question.proposer} else 0.0,
        "veto_players": math.log(vetoes) if vetoes > 1 else 0.0,
        "target_behaviour": 0.0,
        "years_since_change": 0.0,
        "no_change_record": 1.0,
        "consensus_rule": 1.0 if consensus_body else 0.0,
        "pledged": pledged(question, snap, tabled=tabled),
    }


def pledged(question: Question, snap: Snapshot, *, tabled: bool) -> float:
    """The agenda term: +1, -1 or 0 for whether the deciding organisation pledged ``question``.

    Only a request to join an organisation (``membership``, action ``join``) that somebody tabled
    (``tabled``: an application on the body's table) can be pledged: a pledge answers applicants,
    and an opportunity drawn from the world, which nobody asked for, is outside it (0). The
    decision asked is a pre-accession programme when the yes outcome is one of
    :data:`~detente.lenses.accession.PROGRAMME_OUTCOMES`, else admission. Then the term is

    * ``+1`` when ``snap`` holds a :class:`~detente.world.records.Pledge` of that organisation and
      decision that speaks for the applicant and binds on the snapshot's day;
    * ``-1`` when none binds but the organisation is known to announce such decisions (``snap``
      holds an earlier pledge of its, of the same decision): a body that sets its rounds in advance
      and has set none is not holding one (Kydd 2001);
    * ``0`` otherwise: the organisation's texts are not coded, so whether it pledged is unknown,
      and unknown is not "no pledge".

    The snapshot knows a pledge from the day after it was made and a condition from the day after
    it was met, so the term never reads the outcome.
    """
    from detente.lenses.accession import PROGRAMME_OUTCOMES

    if not tabled or question.type != "membership" or question.action != "join":
        return 0.0
    if not question.target:  # a join question always names its organisation; guard for mypy
        return 0.0
    decision: PledgedDecision = (
        "programme" if question.yes_outcome in PROGRAMME_OUTCOMES else "admission"
    )
    if snap.pledges(question.target, decision, question.proposer):
        return 1.0
    known = any(p.org == question.target and p.decision == decision for p in snap.pledges_)
    return -1.0 if known else 0.0


def _log_odds(ys: Sequence[int]) -> float:
    k, n = sum(ys), len(ys)
    return math.log((k + 0.5) / (n - k + 0.5)) if n else 0.0


def with_prior_behaviour(signals: Sequence[EpisodeSignals]) -> list[EpisodeSignals]:
    """``signals`` with each one's history terms computed from strictly earlier episodes.

    ``prior_behaviour`` (the proposer's record in the type), ``target_behaviour`` (the target's),
    ``years_since_change`` and ``no_change_record`` (the last change of the status quo between
    the same proposer and target); see the module docstring.
    """
    out = []
    for s in signals:
        earlier = [t for t in signals if t.date < s.date]
        mine = [t.y for t in earlier if t.proposer == s.proposer and t.type == s.type]
        asked = [t.y for t in earlier if t.target == s.target and t.type == s.type and s.target]
        # a change: the recorded outcome was not the status quo (yes on a change, no on a keep)
        changes = [
            t.date
            for t in earlier
            if t.proposer == s.proposer
            and t.target == s.target
            and (t.y == 1) == (t.terms["status_quo"] < 0)
        ]
        terms = {
            **s.terms,
            "prior_behaviour": _log_odds(mine),
            "target_behaviour": _log_odds(asked),
        }
        if changes:
            years = (s.date - max(changes)).days / 365.25
            terms.update(years_since_change=math.log1p(years), no_change_record=0.0)
        else:
            terms.update(years_since_change=0.0, no_change_record=1.0)
        out.append(dataclasses.replace(s, terms=terms))
    return out


@dataclass(frozen=True)
class StackedForecast:
    """One stacked forecast: ``p`` with its 90 % interval and its additive explanation.

    ``contributions`` pairs each named input with ``coef * value`` on the logit scale; their sum
    is ``logit(p)`` exactly. ``sd`` is the Laplace standard deviation of the MAP linear predictor.
    For a :class:`CalibratedStack` forecast, ``p_map`` is the plug-in MAP probability,
    ``p_predictive`` the posterior-predictive one before recalibration, and ``floor`` the bound
    ``(1/2) / (n + 1)`` from the ``n`` comparable earlier episodes (``p`` lies in
    ``[floor, 1 - floor]``); for a bare :class:`StackedModel` they are ``None``. ``weights`` lists,
    for each lens and bargaining signal, ``(input, common MAP weight, offset of the episode's
    decision type)`` (the offset is 0 for a type without one); ``origin_offsets``, when the model
    has offsets by origin, ``(input, offset of the episode's origin)`` for each (0 for the
    reference origin), and is empty otherwise. The episode's weight is the sum of the three.
    """

    p: float
    low: float
    high: float
    logit: float
    contributions: tuple[tuple[str, float], ...]
    sd: float = 0.0
    p_map: float | None = None
    p_predictive: float | None = None
    floor: float | None = None
    weights: tuple[tuple[str, float, float], ...] = ()
    origin_offsets: tuple[tuple[str, float], ...] = ()

    @property
    def bounded(self) -> bool:
        """Whether the bound moved this forecast (it carries a ``bound`` contribution)."""
        return any(name == "bound" for name, _ in self.contributions)


@dataclass(frozen=True)
class StackedModel:
    """A fitted stack: named columns, MAP coefficients, Laplace covariance, the grid point.

    ``bargain`` names the lenses whose bargaining signals are inputs; ``tau`` is the prior scale;
    ``offset_types`` the decision types whose lens and bargaining weights have an offset (every
    training type when there are two or more, else none); ``offset_origins`` likewise the origins
    (every training origin but :data:`REFERENCE_ORIGIN` when there are two or more, else none).
    """

    lenses: tuple[str, ...]
    types: tuple[str, ...]
    columns: tuple[str, ...]
    coef: FloatArray
    cov: FloatArray
    scale: float
    rho: float
    grid_index: int
    n_train: int
    log_posterior: float
    outside: bool = True
    bargain: tuple[str, ...] = ()
    tau: float = 1.0
    offset_types: tuple[str, ...] = ()
    offset_origins: tuple[str, ...] = ()

    @property
    def follow(self) -> float:
        """The leader-follower chance of the chosen grid point."""
        return GRID[self.grid_index][2]

    def row(self, s: EpisodeSignals) -> FloatArray:
        """The design row of ``s`` (a type or origin unseen in training gets no offset)."""
        return _row(
            s,
            self.lenses,
            self.types,
            self.grid_index,
            self.outside,
            self.bargain,
            self.offset_types,
            self.offset_origins,
        )

    def _inputs(self) -> tuple[str, ...]:
        return (*(f"lens:{n}" for n in self.lenses), *(f"bargain:{n}" for n in self.bargain))

    def weights(self, decision_type: str) -> tuple[tuple[str, float, float], ...]:
        """``(input, common weight, offset of decision_type)`` for each lens and bargaining signal
        (the offset is 0 for a type without one)."""
        index = {c: i for i, c in enumerate(self.columns)}
        out = []
        for name in self._inputs():
            j = index.get(f"{name}|type:{decision_type}")
            out.append(
                (name, float(self.coef[index[name]]), 0.0 if j is None else float(self.coef[j]))
            )
        return tuple(out)

    def origin_offsets(self, origin: str) -> tuple[tuple[str, float], ...]:
        """``(input, offset of origin)`` for each lens and bargaining signal (0 for an origin
        without one, such as the reference), or ``()`` if the model has no offsets by origin."""
        if not self.offset_origins:
            return ()
        index = {c: i for i, c in enumerate(self.columns)}
        out = []
        for name in self._inputs():
            j = index.get(f"{name}|origin:{origin}")
            out.append((name, 0.0 if j is None else float(self.coef[j])))
        return tuple(out)

    def forecast(self, s: EpisodeSignals) -> StackedForecast:
        """The stacked probability of ``s``'s yes outcome, its interval and explanation."""
        x = self.row(s)
        eta = float(x @ self.coef)
        sd = math.sqrt(max(float(x @ self.cov @ x), 0.0))
        parts = tuple(
            (c, float(v * b)) for c, v, b in zip(self.columns, x, self.coef, strict=True) if v
        )
        return StackedForecast(
            float(expit(eta)),
            float(expit(eta - _Z90 * sd)),
            float(expit(eta + _Z90 * sd)),
            eta,
            parts,
            sd,
            weights=self.weights(s.type),
            origin_offsets=self.origin_offsets(s.origin),
        )


def _bargain_columns(bargain: Sequence[str]) -> tuple[str, ...]:
    return (*(f"bargain:{n}" for n in bargain), *(f"bargain_missing:{n}" for n in bargain))


def _offset_columns(
    lenses: Sequence[str],
    bargain: Sequence[str],
    offset_types: Sequence[str],
    offset_origins: Sequence[str] = (),
) -> tuple[str, ...]:
    """The offsets' columns: by type (lens-major, then the bargaining signals'), then by origin
    in the same order (appended last, so that the columns without them keep their places)."""
    return (
        *(f"lens:{n}|type:{t}" for n in lenses for t in offset_types),
        *(f"bargain:{n}|type:{t}" for n in bargain for t in offset_types),
        *(f"lens:{n}|origin:{o}" for n in lenses for o in offset_origins),
        *(f"bargain:{n}|origin:{o}" for n in bargain for o in offset_origins),
    )


def _columns(
    lenses: Sequence[str],
    types: Sequence[str],
    outside: bool,
    bargain: Sequence[str] = (),
    offset_types: Sequence[str] = (),
    offset_origins: Sequence[str] = (),
) -> tuple[str, ...]:
    return (
        "intercept",
        *(f"type:{t}" for t in types),
        *(f"lens:{name}" for name in lenses),
        *(OUTSIDE_TERMS if outside else ()),
        *_bargain_columns(bargain),
        *_offset_columns(lenses, bargain, offset_types, offset_origins),
    )


def _bargain_values(s: EpisodeSignals, bargain: Sequence[str]) -> list[float]:
    values = [s.bargain.get(n) for n in bargain]
    z = [0.0 if v is None else float(logit(np.clip(v, LENS_CLIP, 1 - LENS_CLIP))) for v in values]
    return [*z, *(1.0 if v is None else 0.0 for v in values)]


def _row(
    s: EpisodeSignals,
    lenses: Sequence[str],
    types: Sequence[str],
    grid_index: int,
    outside: bool = True,
    bargain: Sequence[str] = (),
    offset_types: Sequence[str] = (),
    offset_origins: Sequence[str] = (),
) -> FloatArray:
    lens_z = [
        float(logit(np.clip(s.lens_p[name][grid_index], LENS_CLIP, 1 - LENS_CLIP)))
        for name in lenses
    ]
    bargain_values = _bargain_values(s, bargain)
    mine = [1.0 if s.type == t else 0.0 for t in offset_types]
    origin = [1.0 if s.origin == o else 0.0 for o in offset_origins]
    return np.array(
        [
            1.0,
            *(1.0 if s.type == t else 0.0 for t in types),
            *lens_z,
            *((s.terms[k] for k in OUTSIDE_TERMS) if outside else ()),
            *bargain_values,
            *(z * d for z in lens_z for d in mine),
            *(z * d for z in bargain_values[: len(bargain)] for d in mine),
            *(z * d for z in lens_z for d in origin),
            *(z * d for z in bargain_values[: len(bargain)] for d in origin),
        ]
    )


def _prior(
    lenses: Sequence[str],
    types: Sequence[str],
    outside: bool,
    bargain: Sequence[str] = (),
    tau: float = 1.0,
    offset_types: Sequence[str] = (),
    offset_origins: Sequence[str] = (),
) -> tuple[FloatArray, FloatArray]:
    m = max(len(lenses), 1)
    k = len(OUTSIDE_TERMS) if outside else 0
    b = len(bargain)
    # the offsets by type, then by origin: all centred on 0 with the same spread
    offsets = (len(lenses) + b) * (len(offset_types) + len(offset_origins))
    mean = [
        0.0,
        *(0.0 for _ in types),
        *(1.0 / m for _ in lenses),
        *([0.0] * (k + 2 * b + offsets)),
    ]
    sd = [
        2.0,
        *(tau * 1.0 for _ in types),
        *(tau * 0.5 for _ in lenses),
        *([tau * 1.0] * k),
        *([tau * 0.5] * b),
        *([tau * 1.0] * b),
        *([tau * OFFSET_SD] * offsets),  # centred on 0: the group's weight on the common one
    ]
    return np.array(mean), np.array(sd)


def _log_posterior(
    x: FloatArray, y: FloatArray, b: FloatArray, mean: FloatArray, prec: FloatArray
) -> float:
    eta = x @ b
    # log likelihood of a logit model, -sum log(1 + e^eta) + y eta, computed stably
    return -float(np.sum(np.logaddexp(0.0, eta) - y * eta)) - 0.5 * float(
        np.sum(prec * (b - mean) ** 2)
    )


def _map(
    x: FloatArray, y: FloatArray, mean: FloatArray, sd: FloatArray
) -> tuple[FloatArray, float, FloatArray]:
    """MAP coefficients of a logistic model with independent Gaussian priors, by Newton-Raphson.

    The log posterior is strictly concave (the prior adds ``1/sd**2`` to the Hessian's diagonal),
    so Newton steps with step halving converge in a few iterations. Returns the coefficients,
    the log posterior (up to a constant) and the negative Hessian there (the Laplace precision).
    """
    prec = 1.0 / sd**2
    b = mean.copy()
    current = _log_posterior(x, y, b, mean, prec)
    for _ in range(100):
        w = expit(x @ b)
        grad = x.T @ (y - w) - prec * (b - mean)
        hess = x.T @ (x * (w * (1.0 - w))[:, None]) + np.diag(prec)
        step = np.linalg.solve(hess, grad)
        size = 1.0
        while True:
            trial = b + size * step
            value = _log_posterior(x, y, trial, mean, prec)
            if value >= current - 1e-12 or size < 1e-6:
                break
            size /= 2.0
        b, gain, current = trial, value - current, value
        if abs(gain) < 1e-10 and float(np.max(np.abs(size * step))) < 1e-8:
            break
    w = expit(x @ b)
    hess = x.T @ (x * (w * (1.0 - w))[:, None]) + np.diag(prec)
    return b, current, hess


def fit_stack(
    train: Sequence[EpisodeSignals],
    lenses: Sequence[str],
    *,
    outside: bool = True,
    grid: Sequence[int] | None = None,
    bargain: Sequence[str] = (),
    tau: float = 1.0,
) -> StackedModel:
    """Fit the stack on ``train`` (see the module docstring); ``grid`` limits the grid points.

    With no lenses the model is the intercepts and outside-view terms alone; with
    ``outside=False`` it has no outside-view terms (a lens recalibrated by type). ``bargain``
    names the lenses whose bargaining signals enter; ``tau`` scales the priors' spread. The lens
    and bargaining weights get an offset per decision type when ``train`` holds two types or more,
    and one per origin other than :data:`REFERENCE_ORIGIN` when it holds two origins or more.
    """
    if not train:
        raise DetenteError("the stack needs at least one training episode")
    if not tau > 0:
        raise ValueError(f"the prior scale tau must be positive, got {tau!r}")
    types = tuple(sorted({s.type for s in train}))
    offset_types = types if len(types) > 1 else ()  # one type: nothing to pool across
    origins = sorted({s.origin for s in train})
    # one origin: its weight is the common one; else every origin but the reference gets offsets
    offset_origins = tuple(o for o in origins if o != REFERENCE_ORIGIN) if len(origins) > 1 else ()
    columns = _columns(lenses, types, outside, bargain, offset_types, offset_origins)
    mean, sd = _prior(lenses, types, outside, bargain, tau, offset_types, offset_origins)
    y = np.array([s.y for s in train], dtype=np.float64)
    points = list(grid) if grid is not None else list(range(len(GRID)))
    if not lenses:
        points = points[:1]  # the grid only moves the lenses
    # The columns that do not depend on the grid point are built once; the lens columns per point
    # (the bargaining offsets by type, which do not either, come after the lens offsets by type,
    # and the bargaining offsets by origin after the lens offsets by origin).
    fixed = np.array(
        [_row(s, (), types, 0, outside, bargain, offset_types, offset_origins) for s in train]
    )
    lens_p = np.array([[s.lens_p[name] for name in lenses] for s in train]).reshape(
        len(train), len(lenses), len(GRID)
    )
    lens_z = logit(np.clip(lens_p, LENS_CLIP, 1 - LENS_CLIP))
    # one-hot of each episode's offset type: the lens offsets are lens_z masked to its type
    mine = np.array([[s.type == t for t in offset_types] for s in train], dtype=np.float64)
    mine = mine.reshape(len(train), len(offset_types))
    # and of its offset origin (all zeros for an episode of the reference origin)
    home = np.array([[s.origin == o for o in offset_origins] for s in train], dtype=np.float64)
    home = home.reshape(len(train), len(offset_origins))
    split = 1 + len(types)
    split2 = split + (len(OUTSIDE_TERMS) if outside else 0) + 2 * len(bargain)
    split3 = split2 + len(bargain) * len(offset_types)
    best: tuple[float, int, FloatArray, FloatArray] | None = None
    for g in points:
        z = lens_z[:, :, g]
        offsets = (z[:, :, None] * mine[:, None, :]).reshape(len(train), -1)
        by_origin = (z[:, :, None] * home[:, None, :]).reshape(len(train), -1)
        x = np.concatenate(
            [
                fixed[:, :split],
                z,
                fixed[:, split:split2],
                offsets,
                fixed[:, split2:split3],
                by_origin,
                fixed[:, split3:],
            ],
            axis=1,
        )
        coef, logpost, hessian = _map(x, y, mean, sd)
        if best is None or logpost > best[0] + 1e-9:
            best = (logpost, g, coef, hessian)
    assert best is not None
    logpost, g, coef, hessian = best
    cov = np.asarray(np.linalg.inv(hessian), dtype=np.float64)
    scale, rho, _follow = GRID[g]
    return StackedModel(
        tuple(lenses),
        types,
        columns,
        coef,
        cov,
        scale,
        rho,
        g,
        len(train),
        logpost,
        outside,
        tuple(bargain),
        tau,
        offset_types,
        offset_origins,
    )


def predictive_logit(eta: float, sd: float) -> float:
    """The logit of the posterior-predictive probability ``E[expit(e)]``, ``e ~ N(eta, sd**2)``.

    MacKay's (1992, *Neural Computation* 4:720-736) probit approximation of the logistic-normal
    integral: ``expit(eta / sqrt(1 + pi sd**2 / 8))``. It integrates the coefficients' Laplace
    uncertainty instead of plugging in their MAP values, so that a forecast resting on poorly
    determined weights is pulled towards 0.5 by as much as they are uncertain.
    """
    return eta / math.sqrt(1.0 + math.pi * sd * sd / 8.0)


@dataclass(frozen=True)
class Calibration:
    """What the inner leave-future-out chose on a training set (:func:`choose_calibration`).

    ``tau`` is the prior scale; ``recalibration`` maps each origin (``hand-coded``, ``generated``)
    to ``(a, b)`` of ``logit p' = a + b logit p`` applied to the stack's posterior-predictive ``p``
    (an origin absent from the inner forecasts gets the identity, ``(0, 1)``); ``n_inner`` counts
    the inner forecasts per origin; ``inner_log`` is each candidate ``tau``'s inner log score.
    """

    tau: float = 1.0
    recalibration: Mapping[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    n_inner: Mapping[str, int] = dataclasses.field(default_factory=dict)
    inner_log: Mapping[float, float] = dataclasses.field(default_factory=dict)

    def map(self, origin: str) -> tuple[float, float]:
        """``(a, b)`` of the recalibration of an episode of ``origin``."""
        return self.recalibration.get(origin, (0.0, 1.0))


def _recalibration(z: FloatArray, y: FloatArray) -> tuple[float, float]:
    """MAP ``(a, b)`` of ``logit P(y) = a + b z`` under :data:`RECALIBRATION_PRIOR` (Platt 1999
    scaling with priors centred on the identity map)."""
    (ma, sa), (mb, sb) = RECALIBRATION_PRIOR
    if not z.size:
        return ma, mb
    x = np.column_stack([np.ones_like(z), z])
    coef, _, _ = _map(x, y, np.array([ma, mb]), np.array([sa, sb]))
    return float(coef[0]), float(coef[1])


def choose_calibration(
    train: Sequence[EpisodeSignals],
    lenses: Sequence[str],
    *,
    bargain: Sequence[str] = (),
    scales: Sequence[float] = PRIOR_SCALES,
    min_train: int = 30,
) -> Calibration:
    """The prior scale and the recalibration map chosen by an inner leave-future-out on ``train``.

    Inner protocol, on the training episodes only: for every calendar year ``Y`` of ``train``, the
    stack is fitted on the training episodes dated before 1 January ``Y`` (when they number at
    least ``min_train`` and hold both outcomes) and forecasts those dated in ``Y`` with its
    posterior-predictive probability (:func:`predictive_logit`). Each ``tau`` of ``scales`` is
    scored by the mean log score of these inner forecasts (a strictly proper score that punishes
    confident errors: it picks shrinkage when the signals are weak), and the best is kept (ties,
    and a training set too short for any inner forecast, give ``tau = 1`` and the identity map).
    The recalibration ``(a, b)`` of each origin is then fitted (MAP, :data:`RECALIBRATION_PRIOR`)
    on the chosen ``tau``'s inner forecasts of that origin: the forecasts of earlier years, each
    made without its answer. To keep this affordable the inner fits use the grid point that the
    full-training fit at ``tau = 1`` chose.
    """
    ordered = sorted(train, key=lambda s: (s.date, s.episode))
    years = sorted({s.date.year for s in ordered})
    folds = []
    for year in years:
        cut = dt.date(year, 1, 1)
        past = [s for s in ordered if s.date < cut]
        if len(past) < min_train or len({s.y for s in past}) < 2:
            continue
        folds.append((past, [s for s in ordered if s.date.year == year]))
    if not folds:
        return Calibration()
    g = fit_stack(train, lenses, bargain=bargain).grid_index
    inner: dict[float, list[tuple[float, int, str]]] = {}
    scores: dict[float, float] = {}
    best = (math.inf, 1.0)
    for tau in sorted(scales, key=lambda t: (t != 1.0, t)):  # tau = 1 first: it wins ties
        rows: list[tuple[float, int, str]] = []
        for past, today in folds:
            model = fit_stack(past, lenses, grid=[g], bargain=bargain, tau=tau)
            for s in today:
                f = model.forecast(s)
                rows.append((predictive_logit(f.logit, f.sd), s.y, s.origin))
        z = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows], dtype=np.float64)
        # mean -ln p_y, from the logit directly (stable for extreme forecasts)
        score = float(np.mean(np.logaddexp(0.0, z) - y * z))
        inner[tau], scores[tau] = rows, score
        if score < best[0] - 1e-12:
            best = (score, tau)
    tau = best[1]
    chosen = inner[tau]
    recal: dict[str, tuple[float, float]] = {}
    counts: dict[str, int] = {}
    for origin in sorted({r[2] for r in chosen}):
        mine = [r for r in chosen if r[2] == origin]
        recal[origin] = _recalibration(
            np.array([r[0] for r in mine]), np.array([r[1] for r in mine], dtype=np.float64)
        )
        counts[origin] = len(mine)
    return Calibration(tau, recal, counts, scores)


@dataclass(frozen=True)
class CalibratedStack:
    """The stack as forecasts are reported: posterior-predictive, recalibrated, bounded.

    ``model`` is the MAP fit at the chosen prior scale, ``calibration`` what the inner
    leave-future-out chose, ``comparable`` the number of training episodes per
    ``(decision type, origin)``. For an episode with MAP linear predictor ``eta`` (Laplace sd
    ``s``), posterior-predictive logit ``z = eta / sqrt(1 + pi s**2 / 8)`` and its origin's
    recalibration ``(a, b)``, the forecast is ``logit p = a + b z``, bounded to
    ``[floor, 1 - floor]`` with ``floor = (1/2) / (n + 1)`` for the ``n`` comparable training
    episodes: never more certain than a Jeffreys-smoothed record of ``n`` identical outcomes
    would make it (``n = 24`` gives 0.02). Its explanation stays additive: each input's
    ``coef * value`` times ``b / sqrt(1 + pi s**2 / 8)``, plus ``recalibration`` (``a``) and,
    where the bound binds, ``bound`` (the logit it removed). The 90 % interval maps the Laplace
    interval ``eta +- 1.645 s`` the same way.
    """

    model: StackedModel
    calibration: Calibration
    comparable: Mapping[tuple[str, str], int]

    def floor(self, s: EpisodeSignals) -> float:
        """The bound ``(1/2) / (n + 1)`` for ``s`` (``n``: comparable training episodes)."""
        n = self.comparable.get((s.type, s.origin), 0)
        return FLOOR_HALF / (n + 1.0)

    def forecast(self, s: EpisodeSignals) -> StackedForecast:
        """The reported stacked forecast of ``s`` (class docstring)."""
        raw = self.model.forecast(s)
        shrink = predictive_logit(1.0, raw.sd)
        a, b = self.calibration.map(s.origin)
        floor = self.floor(s)
        lo_z, hi_z = float(logit(floor)), float(logit(1.0 - floor))
        z = a + b * shrink * raw.logit
        final = min(max(z, lo_z), hi_z)
        parts = [(name, b * shrink * v) for name, v in raw.contributions]
        if a:
            parts.append(("recalibration", a))
        if final != z:
            parts.append(("bound", final - z))
        ends = sorted(
            min(max(a + b * shrink * (raw.logit + k * _Z90 * raw.sd), lo_z), hi_z)
            for k in (-1.0, 1.0)
        )
        return StackedForecast(
            float(expit(final)),
            float(expit(ends[0])),
            float(expit(ends[1])),
            final,
            tuple(parts),
            raw.sd,
            float(expit(raw.logit)),
            float(expit(shrink * raw.logit)),
            floor,
            raw.weights,
            raw.origin_offsets,
        )


def fit_calibrated_stack(
    train: Sequence[EpisodeSignals],
    lenses: Sequence[str],
    *,
    bargain: Sequence[str] = (),
    calibration: Calibration | None = None,
    min_train: int = 30,
) -> CalibratedStack:
    """The stack fitted on ``train`` at ``calibration``'s prior scale, recalibrated and bounded.

    ``calibration`` defaults to :func:`choose_calibration` on ``train`` itself; the
    leave-future-out protocol passes instead the one chosen on the episodes dated before the
    calendar year of the forecast (:func:`detente.experiments.lfo.lfo_forecasts`).
    """
    if calibration is None:
        calibration = choose_calibration(train, lenses, bargain=bargain, min_train=min_train)
    model = fit_stack(train, lenses, bargain=bargain, tau=calibration.tau)
    comparable: dict[tuple[str, str], int] = {}
    for s in train:
        comparable[(s.type, s.origin)] = comparable.get((s.type, s.origin), 0) + 1
    return CalibratedStack(model, calibration, comparable)
