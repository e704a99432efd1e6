"""The stacked forecaster: a theory-anchored logistic model over named signals.

Each lens gives a probability for an episode's yes outcome; alone, the lenses are badly
calibrated and weakly discriminating (``docs/backtest.md``). The stack combines them with
"outside view" terms in one Bayesian logistic regression fitted by maximum a posteriori (MAP) with
Gaussian priors, the form that Gelman et al. (2008, *Annals of Applied Statistics* 2:1360-1383)
recommend for small, separable data, and that Dawes (1979, *American Psychologist* 34:571-582)
motivates: weights shrunk towards a theory's, not fitted freely. On the logit scale,

    logit P(yes) = a + u_type + sum_L beta_L z_L + sum_k gamma_k x_k

with the named inputs

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
* ``a`` (``intercept``, prior ``N(0, 2**2)``) and one offset per decision type (``type:T``, prior
  ``N(0, 1)``: partial pooling of the types towards the common intercept).

The lens ``scale`` and ``rho`` are parameters of the model: the MAP fit is run at every point of
:data:`GRID` and the point with the highest posterior density on the training episodes is kept
(the logit scale is thus fitted, never fixed at the lenses' default). The explanation of a
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

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

from detente.decision import acceptance
from detente.decisions import Episode, deciding_sides, sides_probability
from detente.errors import DetenteError
from detente.lenses.base import Lens
from detente.world import World

__all__ = [
    "GRID",
    "LENS_CLIP",
    "OUTSIDE_TERMS",
    "EpisodeSignals",
    "StackedForecast",
    "StackedModel",
    "episode_signals",
    "fit_stack",
    "with_prior_behaviour",
]

FloatArray = NDArray[np.float64]

GRID: tuple[tuple[float, float], ...] = tuple(
    (scale, rho) for scale in (0.1, 0.3, 1.0) for rho in (0.0, 0.5, 0.9)
)
"""Lens ``(scale, rho)`` grid: the lenses' default scale 0.1 and two blunter ones, independent
and correlated members."""

LENS_CLIP = 0.01
"""Lens probabilities enter the stack as logits of values clipped to [0.01, 0.99]."""

OUTSIDE_TERMS = (
    "status_quo",
    "tabled",
    "tabled_status_quo",
    "prior_behaviour",
    "proposer_decides",
    "veto_players",
)
"""The outside-view inputs, in column order."""

_Z90 = 1.6448536269514722


@dataclass(frozen=True)
class EpisodeSignals:
    """What the stack knows of one episode: its lens probabilities and outside-view inputs.

    ``lens_p`` maps each lens to ``P(yes)`` at every point of :data:`GRID`; ``terms`` the
    outside-view inputs (``prior_behaviour`` is filled by :func:`with_prior_behaviour`).
    """

    episode: str
    date: dt.date
    type: str
    origin: str
    proposer: str
    y: int
    lens_p: Mapping[str, tuple[float, ...]]
    terms: Mapping[str, float]


def _grid_probabilities(lens: Lens, world: World, episode: Episode) -> tuple[float, ...]:
    snap = world.at(episode.date)
    sides = deciding_sides(episode, snap)
    prefs = lens.preferences(snap, episode)
    out = []
    for scale, rho in GRID:
        params = dataclasses.replace(lens.params, scale=scale)
        acc = acceptance(prefs, sides, episode, params)
        correlated = tuple(dataclasses.replace(s, rho=rho) for s in sides)
        out.append(float(sides_probability(correlated, acc)))
    return tuple(out)


def episode_signals(
    episodes: Sequence[Episode], world: World, lenses: Sequence[Lens]
) -> tuple[list[EpisodeSignals], list[tuple[str, str]]]:
    """Signals of every episode that can be evaluated in ``world``, and the skipped ones.

    Lens inputs come from ``world.at(episode.date)`` only; ``prior_behaviour`` is added from the
    episodes themselves, each from those dated strictly before it.
    """
    found: list[EpisodeSignals] = []
    skipped: list[tuple[str, str]] = []
    for e in episodes:
        try:
            lens_p = {lens.name: _grid_probabilities(lens, world, e) for lens in lenses}
            sides = deciding_sides(e, world.at(e.date))
        except DetenteError as exc:
            skipped.append((e.id, str(exc)))
            continue
        deciders = {a for s in sides for a in s.actors}
        vetoes = sum(len(s.actors) for s in sides if s.rule == "consensus")
        sq = 1.0 if e.status_quo == e.yes_outcome else -1.0
        tabled = 1.0 if e.origin == "hand-coded" else 0.0
        terms = {
            "status_quo": sq,
            "tabled": tabled,
            "tabled_status_quo": tabled * sq,
            "prior_behaviour": 0.0,
            "proposer_decides": 1.0 if deciders == {e.proposer} else 0.0,
            "veto_players": math.log(vetoes) if vetoes > 1 else 0.0,
        }
        found.append(
            EpisodeSignals(
                e.id, e.date, e.type, e.origin, e.proposer, int(e.yes_happened), lens_p, terms
            )
        )
    return with_prior_behaviour(found), skipped


def with_prior_behaviour(signals: Sequence[EpisodeSignals]) -> list[EpisodeSignals]:
    """``signals`` with each one's ``prior_behaviour`` computed from strictly earlier episodes."""
    out = []
    for s in signals:
        past = [
            t.y
            for t in signals
            if t.date < s.date and t.proposer == s.proposer and t.type == s.type
        ]
        k, n = sum(past), len(past)
        value = math.log((k + 0.5) / (n - k + 0.5)) if n else 0.0
        out.append(dataclasses.replace(s, terms={**s.terms, "prior_behaviour": value}))
    return out


@dataclass(frozen=True)
class StackedForecast:
    """One stacked forecast: ``p`` with its 90 % interval and its additive explanation.

    ``contributions`` pairs each named input with ``coef * value`` on the logit scale; their sum
    is ``logit(p)`` exactly.
    """

    p: float
    low: float
    high: float
    logit: float
    contributions: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class StackedModel:
    """A fitted stack: named columns, MAP coefficients, Laplace covariance, the grid point."""

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

    def row(self, s: EpisodeSignals) -> FloatArray:
        """The design row of ``s`` (a type unseen in training gets no offset)."""
        return _row(s, self.lenses, self.types, self.grid_index, self.outside)

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
        )


def _columns(lenses: Sequence[str], types: Sequence[str], outside: bool) -> tuple[str, ...]:
    return (
        "intercept",
        *(f"type:{t}" for t in types),
        *(f"lens:{name}" for name in lenses),
        *(OUTSIDE_TERMS if outside else ()),
    )


def _row(
    s: EpisodeSignals,
    lenses: Sequence[str],
    types: Sequence[str],
    grid_index: int,
    outside: bool = True,
) -> FloatArray:
    lens_z = [
        float(logit(np.clip(s.lens_p[name][grid_index], LENS_CLIP, 1 - LENS_CLIP)))
        for name in lenses
    ]
    return np.array(
        [
            1.0,
            *(1.0 if s.type == t else 0.0 for t in types),
            *lens_z,
            *((s.terms[k] for k in OUTSIDE_TERMS) if outside else ()),
        ]
    )


def _prior(
    lenses: Sequence[str], types: Sequence[str], outside: bool
) -> tuple[FloatArray, FloatArray]:
    m = max(len(lenses), 1)
    k = len(OUTSIDE_TERMS) if outside else 0
    mean = [0.0, *(0.0 for _ in types), *(1.0 / m for _ in lenses), *([0.0] * k)]
    sd = [2.0, *(1.0 for _ in types), *(0.5 for _ in lenses), *([1.0] * k)]
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
) -> StackedModel:
    """Fit the stack on ``train`` (see the module docstring); ``grid`` limits the grid points.

    With no lenses the model is the intercepts and outside-view terms alone; with
    ``outside=False`` it has no outside-view terms (a lens recalibrated by type).
    """
    if not train:
        raise DetenteError("the stack needs at least one training episode")
    types = tuple(sorted({s.type for s in train}))
    columns = _columns(lenses, types, outside)
    mean, sd = _prior(lenses, types, outside)
    y = np.array([s.y for s in train], dtype=np.float64)
    points = list(grid) if grid is not None else list(range(len(GRID)))
    if not lenses:
        points = points[:1]  # the grid only moves the lenses
    # The columns that do not depend on the grid point are built once; the lens columns per point.
    fixed = np.array([_row(s, (), types, 0, outside) for s in train])
    lens_p = np.array([[s.lens_p[name] for name in lenses] for s in train]).reshape(
        len(train), len(lenses), len(GRID)
    )
    lens_z = logit(np.clip(lens_p, LENS_CLIP, 1 - LENS_CLIP))
    split = 1 + len(types)
    best: tuple[float, int, FloatArray, FloatArray] | None = None
    for g in points:
        x = np.concatenate([fixed[:, :split], lens_z[:, :, g], fixed[:, split:]], axis=1)
        coef, logpost, hessian = _map(x, y, mean, sd)
        if best is None or logpost > best[0] + 1e-9:
            best = (logpost, g, coef, hessian)
    assert best is not None
    logpost, g, coef, hessian = best
    cov = np.asarray(np.linalg.inv(hessian), dtype=np.float64)
    scale, rho = GRID[g]
    return StackedModel(
        tuple(lenses), types, columns, coef, cov, scale, rho, g, len(train), logpost, outside
    )
