"""Leave-future-out (LFO) evaluation: every forecast is made by a model fitted only on the past.

Protocol (expanding window, refit at each date). Episodes are sorted by date. For each date ``d``,
every forecaster that learns anything is fitted on the episodes dated **strictly before** ``d``
and forecasts the episodes dated ``d``; nothing dated on or after ``d`` enters the fit (a test
removes those episodes and checks that the forecast is unchanged). The lens inputs themselves come
from ``world.at(d)`` (facts dated before ``d``). An episode is scored only if its training set has
at least ``min_train`` episodes with both outcomes (else it is *burn-in*, listed and left out of
every score; without ``stacked`` nothing is fitted, the default ``min_train`` is 0 and the
both-outcomes condition is dropped), and, with ``start``, only if it is dated on or after
``start``.

Forecasters

* each lens ``L`` as it stands (its default parameters: logit scale 0.1, independent members);
* with ``stack``: ``L (calibrated)``, the stack with ``L`` alone and no outside-view terms (a
  fitted temperature, correlation and intercepts); ``bargaining (calibrated)``, the intercepts and
  the bargaining models' signals alone; ``outside view``, the stack with no lens; ``stack``, every
  lens, every bargaining signal and the outside-view terms (:mod:`detente.forecaster`), with its
  prior scale and recalibration map chosen by an inner leave-future-out
  (:func:`detente.forecaster.choose_calibration`) on the episodes dated before 1 January of the
  forecast's year; reported posterior-predictive, recalibrated and bounded
  (:class:`detente.forecaster.CalibratedStack`), with ``stack (MAP)`` (the plug-in MAP
  probability) and ``stack (predictive)`` (before recalibration and bound) beside it;
* baselines, computed the same way: ``base-rate``, the share of yes outcomes among past episodes
  (``(k + 1) / (n + 2)``); ``status-quo``, the status quo at 0.95; ``persistence``, the past share
  of yes among episodes of the same decision type whose yes outcome is (or is not) the status quo.

Scores (:mod:`detente.experiments.scores`) are reported for the hand-coded episodes alone and for
all, each with a 90 % paired-bootstrap interval of the Brier score and of its difference from
every baseline, the log score, AUC, calibration slope and Murphy decomposition.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.decisions import Episode, Question
from detente.errors import DetenteError
from detente.experiments.scores import (
    Murphy,
    auc,
    bootstrap_brier,
    brier,
    calibration_slope,
    log_score,
    murphy,
    reliability_bins,
)
from detente.experiments.signals import SignalFunction
from detente.forecaster import (
    CalibratedStack,
    Calibration,
    EpisodeSignals,
    StackedForecast,
    StackedModel,
    choose_calibration,
    episode_signals,
    fit_calibrated_stack,
    fit_stack,
)
from detente.lenses.base import Lens
from detente.world import World

if TYPE_CHECKING:
    from detente.experiments.runner import Executor

__all__ = [
    "BASELINES",
    "MIN_TRAIN",
    "STATUS_QUO_P",
    "ForecasterScore",
    "LfoForecast",
    "LfoResult",
    "StackedEpisode",
    "leave_future_out",
    "lfo_forecasts",
    "lfo_json",
    "score_forecasts",
    "stack_bounds",
    "stacked_episode",
    "stacked_episodes",
]

BASELINES = ("base-rate", "status-quo", "persistence")
MIN_TRAIN = 30
"""Fewest past episodes the fitted forecasters are trained on before an episode is scored (the
default with ``stacked``; without it nothing is fitted and the default is 0)."""
STATUS_QUO_P = 0.95
SUBSETS = ("hand-coded", "all")
STACK = "stack"
STACK_MAP = "stack (MAP)"
STACK_PREDICTIVE = "stack (predictive)"
OUTSIDE = "outside view"
BARGAIN = "bargaining (calibrated)"


def calibrated(lens: str) -> str:
    """Name of the calibrated version of ``lens``."""
    return f"{lens} (calibrated)"


@dataclass(frozen=True)
class LfoForecast:
    """One episode's LFO forecasts: ``p[name]`` per forecaster, the stack's detail if fitted."""

    episode: str
    date: dt.date
    type: str
    origin: str
    y: int
    n_train: int
    p: dict[str, float]
    stack: StackedForecast | None = None
    scale: float | None = None
    rho: float | None = None
    follow: float | None = None
    tau: float | None = None
    calibration: Calibration | None = None


@dataclass(frozen=True)
class ForecasterScore:
    """Scores of one forecaster on one subset of episodes (``subset``: hand-coded or all)."""

    name: str
    kind: str
    subset: str
    n: int
    brier: float
    brier_low: float
    brier_high: float
    log: float
    auc: float
    calibration_slope: float
    murphy: Murphy
    extreme_share: float
    versus: dict[str, tuple[float, float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class LfoResult:
    """The LFO forecasts, their scores and what was left out."""

    source: str
    lenses: tuple[str, ...]
    stacked: bool
    start: dt.date | None
    min_train: int
    forecasts: tuple[LfoForecast, ...]
    scores: tuple[ForecasterScore, ...]
    burn_in: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    names: tuple[str, ...]
    episodes_by_origin: tuple[tuple[str, int], ...] = ()

    def score(self, name: str, subset: str = "all") -> ForecasterScore:
        """The score of forecaster ``name`` on ``subset``."""
        return next(s for s in self.scores if s.name == name and s.subset == subset)


def _rate(ys: Sequence[int]) -> float:
    return (sum(ys) + 1.0) / (len(ys) + 2.0)


def _baselines(s: EpisodeSignals, train: Sequence[EpisodeSignals]) -> dict[str, float]:
    sq = s.terms["status_quo"]
    same = [t.y for t in train if t.type == s.type and t.terms["status_quo"] == sq]
    return {
        "base-rate": _rate([t.y for t in train]),
        "status-quo": STATUS_QUO_P if sq > 0 else 1.0 - STATUS_QUO_P,
        "persistence": _rate(same),
    }


def _names(lenses: Sequence[str], stacked: bool, bargain: bool = False) -> tuple[str, ...]:
    extra = (
        (
            *(calibrated(n) for n in lenses),
            *((BARGAIN,) if bargain else ()),
            OUTSIDE,
            STACK_MAP,
            STACK_PREDICTIVE,
            STACK,
        )
        if stacked
        else ()
    )
    return (*lenses, *extra, *BASELINES)


def _bargained(signals: Sequence[EpisodeSignals], lenses: Sequence[str]) -> tuple[str, ...]:
    """The lenses whose bargaining signal was computed (present or missing) for every episode."""
    return tuple(n for n in lenses if signals and all(n in s.bargain for s in signals))


def lfo_forecasts(
    signals: Sequence[EpisodeSignals],
    lenses: Sequence[str],
    *,
    stacked: bool = True,
    min_train: int = MIN_TRAIN,
    start: dt.date | None = None,
    choose_tau: bool = True,
) -> tuple[list[LfoForecast], list[str]]:
    """Expanding-window forecasts of every episode dated on or after ``start`` (all if ``None``;
    see the module docstring) and the burn-in ids.

    Bargaining signals enter wherever every signal carries them (:func:`episode_signals` with
    ``bargain``). ``choose_tau`` picks the stack's prior scale and recalibration map by the inner
    leave-future-out once per calendar year, from the episodes dated before that year (else
    ``tau = 1`` and the identity map).
    """
    ordered = sorted(signals, key=lambda s: (s.date, s.episode))
    dates = sorted({s.date for s in ordered if start is None or s.date >= start})
    bargain = _bargained(ordered, lenses)
    calibrations: dict[int, Calibration] = {}
    out: list[LfoForecast] = []
    burn: list[str] = []
    for d in dates:
        today = [s for s in ordered if s.date == d]
        train = [s for s in ordered if s.date < d]
        ys = {t.y for t in train}
        # A fitted forecaster needs both outcomes in its past; baselines and raw lenses do not.
        if len(train) < min_train or (stacked and len(ys) < 2):
            burn.extend(s.episode for s in today)
            continue
        models: dict[str, Callable[[EpisodeSignals], float]] = {}
        stacked_model: CalibratedStack | None = None
        if stacked:
            fitted = {calibrated(n): fit_stack(train, [n], outside=False) for n in lenses}
            if bargain:
                fitted[BARGAIN] = fit_stack(train, [], outside=False, bargain=bargain)
            fitted[OUTSIDE] = fit_stack(train, [])
            models = {k: _predictor(m) for k, m in fitted.items()}
            if d.year not in calibrations:
                before = [t for t in train if t.date.year < d.year]
                calibrations[d.year] = (
                    choose_calibration(before, list(lenses), bargain=bargain, min_train=min_train)
                    if choose_tau and before
                    else Calibration()
                )
            stacked_model = fit_calibrated_stack(
                train, list(lenses), bargain=bargain, calibration=calibrations[d.year]
            )
        for s in today:
            p = {name: s.lens_p[name][0] for name in lenses}  # default scale 0.1, rho 0
            p.update({k: f(s) for k, f in models.items()})
            detail = None
            if stacked_model is not None:
                detail = stacked_model.forecast(s)
                assert detail.p_map is not None and detail.p_predictive is not None
                p[STACK_MAP], p[STACK_PREDICTIVE], p[STACK] = (
                    detail.p_map,
                    detail.p_predictive,
                    detail.p,
                )
            p.update(_baselines(s, train))
            out.append(
                LfoForecast(
                    s.episode,
                    s.date,
                    s.type,
                    s.origin,
                    s.y,
                    len(train),
                    p,
                    detail,
                    stacked_model.model.scale if stacked_model else None,
                    stacked_model.model.rho if stacked_model else None,
                    stacked_model.model.follow if stacked_model else None,
                    stacked_model.model.tau if stacked_model else None,
                    stacked_model.calibration if stacked_model else None,
                )
            )
    return out, burn


def _predictor(model: StackedModel) -> Callable[[EpisodeSignals], float]:
    return lambda s: model.forecast(s).p


def _kind(name: str, lenses: Sequence[str]) -> str:
    if name in BASELINES:
        return "baseline"
    if name in lenses:
        return "lens"
    return "fitted"


def score_forecasts(
    forecasts: Sequence[LfoForecast],
    names: Sequence[str],
    lenses: Sequence[str],
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> list[ForecasterScore]:
    """Scores of every forecaster on the hand-coded episodes and on all (module docstring)."""
    out = []
    for subset in SUBSETS:
        rows = [f for f in forecasts if subset == "all" or f.origin == subset]
        if not rows:  # no episode of this kind was forecast: no score, not a crash on nothing
            continue
        y = np.array([f.y for f in rows], dtype=np.float64)
        ps = {n: np.array([f.p[n] for f in rows], dtype=np.float64) for n in names}
        intervals, diffs = bootstrap_brier(ps, y, n_boot=n_boot, seed=seed)
        for n in names:
            p = ps[n]
            out.append(
                ForecasterScore(
                    name=n,
                    kind=_kind(n, lenses),
                    subset=subset,
                    n=len(rows),
                    brier=brier(p, y),
                    brier_low=intervals[n][0],
                    brier_high=intervals[n][1],
                    log=log_score(p, y),
                    auc=auc(p, y),
                    calibration_slope=calibration_slope(p, y),
                    murphy=murphy(p, y),
                    extreme_share=float(np.mean((p < 0.02) | (p > 0.98))) if p.size else math.nan,
                    versus={b: diffs[(n, b)] for b in BASELINES if b != n},
                )
            )
    return out


def leave_future_out(
    episodes: Sequence[Episode],
    world: World,
    lenses: Sequence[Lens],
    *,
    executor: Executor | None = None,
    stacked: bool = True,
    start: dt.date | None = None,
    min_train: int | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    source: str = "",
    bargain: bool = True,
) -> LfoResult:
    """Forecast every episode leave-future-out and score the forecasts (module docstring).

    ``min_train`` defaults to :data:`MIN_TRAIN` with ``stacked`` and to 0 without. With
    ``stacked`` and ``bargain``, the bargaining models' signals are computed and stacked.
    """
    if min_train is None:
        min_train = MIN_TRAIN if stacked else 0
    # Dispatch (issue 11): with an executor the episodes run as its tasks, with the same result
    # (:mod:`detente.experiments.signals`); without one, episode_signals is called directly.
    signals_of: Callable[..., tuple[list[EpisodeSignals], list[tuple[str, str]]]] = (
        episode_signals if executor is None else SignalFunction(executor)
    )
    names = [lens.name for lens in lenses]
    use_bargain = stacked and bargain and bool(lenses)
    if stacked:  # every episode trains the fitted forecasters: each needs its lens inputs
        signals, skipped = signals_of(episodes, world, lenses, bargain=use_bargain)
    else:  # lens inputs only where a forecast is scored; the baselines need outcomes alone
        signals, skipped = signals_of(episodes, world, [])
        scored = [e for e in episodes if start is None or e.date >= start]
        lensed = {s.episode: s.lens_p for s in signals_of(scored, world, lenses)[0]}
        signals = [dataclasses.replace(s, lens_p=lensed.get(s.episode, {})) for s in signals]
    forecasts, burn = lfo_forecasts(
        signals, names, stacked=stacked, min_train=min_train, start=start
    )
    all_names = _names(names, stacked, use_bargain)
    scores = score_forecasts(forecasts, all_names, names, n_boot=n_boot, seed=seed)
    return LfoResult(
        source,
        tuple(names),
        stacked,
        start,
        min_train,
        tuple(forecasts),
        tuple(scores),
        tuple(burn),
        tuple(skipped),
        all_names,
        tuple(sorted(Counter(e.origin for e in episodes).items())),
    )


def stack_bounds(result: LfoResult) -> dict[str, dict[str, int]]:
    """Per subset: the stack's forecasts, how many the bound moved, how many lie outside
    [0.02, 0.98] and how many of those had fewer than 24 comparable earlier episodes (a floor
    above 0.02: none can, by construction; counted, not assumed)."""
    out = {}
    for subset in SUBSETS:
        rows = [
            f.stack
            for f in result.forecasts
            if f.stack is not None and (subset == "all" or f.origin == subset)
        ]
        outside = [f for f in rows if f.p < 0.02 or f.p > 0.98]
        out[subset] = {
            "forecasts": len(rows),
            "at_bound": sum(f.bounded for f in rows),
            "outside_0.02_0.98": len(outside),
            "outside_with_floor_above_0.02": sum(
                1 for f in outside if f.floor is not None and f.floor > 0.02
            ),
        }
    return out


def lfo_json(result: LfoResult) -> dict[str, Any]:
    """A JSON-ready mapping of ``result`` (forecasts, scores, reliability bins)."""

    def number(x: float) -> float | None:
        return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x

    scores = []
    for s in result.scores:
        scores.append(
            {
                "name": s.name,
                "kind": s.kind,
                "subset": s.subset,
                "n": s.n,
                "brier": number(s.brier),
                "brier_90": [number(s.brier_low), number(s.brier_high)],
                "log": number(s.log),
                "auc": number(s.auc),
                "calibration_slope": number(s.calibration_slope),
                "murphy": {k: number(v) for k, v in vars(s.murphy).items()},
                "share_outside_0.02_0.98": number(s.extreme_share),
                "versus": {
                    b: {"brier_difference": number(d), "low_90": number(lo), "high_90": number(hi)}
                    for b, (d, lo, hi) in s.versus.items()
                },
            }
        )
    forecasts = []
    for f in result.forecasts:
        row: dict[str, Any] = {
            "episode": f.episode,
            "date": f.date.isoformat(),
            "type": f.type,
            "origin": f.origin,
            "y": f.y,
            "n_train": f.n_train,
            "p": f.p,
        }
        if f.stack is not None:
            row["stack"] = {
                "p": f.stack.p,
                "interval_90": [f.stack.low, f.stack.high],
                "logit_contributions": dict(f.stack.contributions),
                "scale": f.scale,
                "rho": f.rho,
                "follow": f.follow,
                "prior_scale": f.tau,
                "weights_by_type": _weights_json(f.stack, f.type, f.origin),
                **_calibration_json(f.stack, f.calibration),
            }
        forecasts.append(row)
    bins = {
        subset: {
            n: reliability_bins(
                [f.p[n] for f in result.forecasts if subset == "all" or f.origin == subset],
                [f.y for f in result.forecasts if subset == "all" or f.origin == subset],
            )
            for n in result.names
        }
        for subset in SUBSETS
    }
    return {
        "protocol": "leave-future-out (expanding window, refit at each date)",
        "source": result.source,
        "lenses": list(result.lenses),
        "stacked": result.stacked,
        "from": result.start.isoformat() if result.start else None,
        "min_train": result.min_train,
        "scores": scores,
        "forecasts": forecasts,
        "reliability_bins": bins,
        "episodes_by_origin": dict(result.episodes_by_origin),
        "stack_bounds": stack_bounds(result),
        "burn_in": list(result.burn_in),
        "skipped": [{"episode": e, "reason": r} for e, r in result.skipped],
    }


def _weights_json(f: StackedForecast, decision_type: str, origin: str) -> dict[str, Any]:
    """Each lens's and bargaining signal's MAP weight for an episode of ``decision_type`` and
    ``origin``: the common weight, the type's offset, the origin's offset (partial pooling by
    type and by origin; 0 where the model has none) and their sum, for ``--json``."""
    by_origin = dict(f.origin_offsets)
    return {
        "type": decision_type,
        "origin": origin,
        **{
            name: {
                "common": common,
                "offset": offset,
                "origin_offset": by_origin.get(name, 0.0),
                "total": common + offset + by_origin.get(name, 0.0),
            }
            for name, common, offset in f.weights
        },
    }


def _calibration_json(f: StackedForecast, calibration: Calibration | None) -> dict[str, Any]:
    """The calibration steps of a reported stacked forecast, for ``--json``."""
    out: dict[str, Any] = {"p_map": f.p_map, "p_predictive": f.p_predictive, "floor": f.floor}
    if calibration is not None:
        out["recalibration"] = {o: list(ab) for o, ab in calibration.recalibration.items()}
        out["inner_forecasts"] = dict(calibration.n_inner)
        out["inner_log_score"] = {f"{t:g}": v for t, v in calibration.inner_log.items()}
    return out


@dataclass(frozen=True)
class StackedEpisode:
    """The stacked forecast of one episode, fitted only on the episodes decided before it.

    ``lens_p`` is each lens's own ``P(yes)`` as it stands (default parameters), printed beside the
    stack's; ``forecast`` is ``None`` when the history before the episode is too short (fewer than
    ``min_train`` episodes or one outcome only), and ``reason`` then says so. ``baselines`` are
    the leave-future-out baselines from the same earlier episodes (``base-rate``, ``status-quo``,
    ``persistence``; :data:`BASELINES`), ``None`` without any earlier episode.
    """

    episode: str
    date: dt.date
    lens_p: dict[str, float]
    forecast: StackedForecast | None
    n_train: int
    model: StackedModel | None
    reason: str | None = None
    signals: EpisodeSignals | None = None
    calibration: Calibration | None = None
    baselines: dict[str, float] | None = None

    def json(self) -> dict[str, Any]:
        """A JSON-ready mapping (``--json`` of ``forecast`` and ``explain``)."""
        out: dict[str, Any] = {
            "protocol": "leave-future-out: fitted only on episodes dated before this one",
            "episode": self.episode,
            "trained_before": self.date.isoformat(),
            "n_train": self.n_train,
            "lenses": self.lens_p,
            "p": None,
            "interval_90": None,
            "reason": self.reason,
            "baselines": self.baselines,
        }
        if self.forecast is not None and self.model is not None:
            out |= {
                "p": self.forecast.p,
                "interval_90": [self.forecast.low, self.forecast.high],
                "logit_contributions": dict(self.forecast.contributions),
                "scale": self.model.scale,
                "rho": self.model.rho,
                "follow": self.model.follow,
                "prior_scale": self.model.tau,
                "weights_by_type": _weights_json(
                    self.forecast,
                    self.signals.type if self.signals else "",
                    self.signals.origin if self.signals else "",
                ),
                "bargaining_signal": dict(self.signals.bargain) if self.signals else {},
                **_calibration_json(self.forecast, self.calibration),
            }
        return out


def stacked_episode(
    question: Question,
    world: World,
    lenses: Sequence[Lens],
    history: Sequence[Episode] | None = None,
    *,
    min_train: int = MIN_TRAIN,
    bargain: bool = True,
) -> StackedEpisode:
    """The stack's forecast of ``question``, fitted on the ``history`` episodes dated before it.

    ``history`` defaults to the built-in episodes; the question itself (same id) and everything
    dated on or after its day are left out of the fit, exactly as in :func:`lfo_forecasts`, and
    the prior scale is chosen by the inner leave-future-out on the episodes before its year. A
    question without a recorded outcome is forecast as a tabled (hand-coded) decision.
    """
    return stacked_episodes(
        [question], world, lenses, history, min_train=min_train, bargain=bargain
    )[0]


def _as_episode(question: Question) -> Episode:
    if isinstance(question, Episode):
        return question
    return Episode(
        **question.model_dump(exclude_none=True),
        recorded_outcome=question.status_quo,  # unknown: never used, only its past is
    )


def stacked_episodes(
    questions: Sequence[Question],
    world: World,
    lenses: Sequence[Lens],
    history: Sequence[Episode] | None = None,
    *,
    min_train: int = MIN_TRAIN,
    bargain: bool = True,
) -> list[StackedEpisode]:
    """:func:`stacked_episode` of each question, the history's signals computed once.

    Each question is forecast exactly as :func:`stacked_episode` forecasts it alone: fitted on
    the history episodes dated before it (never on another question of the list, whose outcome
    is unknown), its history terms recomputed from those episodes only. The lens and bargaining
    signals of an episode depend on that episode and the world alone, so they are computed once
    for all questions: registering many questions costs about one history's signals, not one
    per question. Raises :class:`~detente.errors.DetenteError` for a question that cannot be
    evaluated in ``world``.
    """
    from detente.decisions import builtin_episodes
    from detente.forecaster import with_prior_behaviour

    pool = list(history) if history is not None else builtin_episodes()
    targets = [_as_episode(q) for q in questions]
    use_bargain = bargain and bool(lenses)
    latest = max((t.date for t in targets), default=None)
    relevant = [e for e in pool if latest is not None and e.date < latest]
    found, _ = episode_signals(relevant, world, lenses, bargain=use_bargain)
    by_id = {s.episode: s for s in found}
    mine, skipped = episode_signals(targets, world, lenses, bargain=use_bargain)
    own = {s.episode: s for s in mine}
    names = [lens.name for lens in lenses]
    out = []
    for question, target in zip(questions, targets, strict=True):
        if target.id not in own:
            reason = next((r for i, r in skipped if i == target.id), "cannot be evaluated")
            raise DetenteError(f"{question.id}: {reason}")
        past = [
            by_id[e.id]
            for e in relevant
            if e.date < question.date and e.id != question.id and e.id in by_id
        ]
        *train, signal = with_prior_behaviour([*past, own[target.id]])
        out.append(_stacked(question, signal, train, names, min_train=min_train))
    return out


def _stacked(
    question: Question,
    mine: EpisodeSignals,
    train: list[EpisodeSignals],
    names: list[str],
    *,
    min_train: int,
) -> StackedEpisode:
    lens_p = {n: mine.lens_p[n][0] for n in names}
    if len(train) < min_train or len({s.y for s in train}) < 2:
        reason = (
            f"only {len(train)} episodes (with {len({s.y for s in train})} outcome(s)) are "
            f"dated before {question.date.isoformat()}; the stack needs {min_train} with both"
        )
        return StackedEpisode(
            question.id,
            question.date,
            lens_p,
            None,
            len(train),
            None,
            reason,
            baselines=_baselines(mine, train) if train else None,
        )
    bargained = _bargained([*train, mine], names)
    before = [t for t in train if t.date.year < question.date.year]
    calibration = (
        choose_calibration(before, names, bargain=bargained, min_train=min_train)
        if before
        else Calibration()
    )
    stack = fit_calibrated_stack(train, names, bargain=bargained, calibration=calibration)
    return StackedEpisode(
        question.id,
        question.date,
        lens_p,
        stack.forecast(mine),
        len(train),
        stack.model,
        None,
        mine,
        calibration,
        _baselines(mine, train),
    )
