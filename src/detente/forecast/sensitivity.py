"""Which actors' inputs drive a bargaining forecast: Morris screening and Sobol indices (SALib).

Every actor contributes one factor per input: its position on each dimension, its salience on each
dimension, and its capability. Each factor varies over a stated range around the coded value,
the others held at their coded values:

* position: ``x ± position_span`` (default 10 % of the dimension's range), cut to the scale;
* salience: ``s ± salience_span`` (default 0.2), cut to ``[0, 1]``;
* capability: ``c · f`` with ``log f`` uniform in ``[-log F, +log F]``, ``F`` the
  ``capability_factor`` (default 2: from half to double the coded capability).

The output is the model's final forecast on one dimension. Two methods:

* ``"morris"`` — elementary effects (Morris 1991) with Campolongo et al.'s (2007) ``mu_star`` (mean
  absolute effect, in the forecast's scale units per full factor range) and ``sigma`` (spread:
  interactions or non-linearity); ``r (k + 1)`` model runs for ``k`` factors and ``r``
  trajectories. The default: cheap, and good at ranking.
* ``"sobol"`` — variance-based first-order ``S1`` and total ``ST`` indices (Sobol 2001; Saltelli
  2002/2010 estimators) on a Sobol' sequence; ``N (k + 2)`` runs.

The whole SALib sample matrix is evaluated as the replicate axis of the vectorised engine, so one
sensitivity analysis is one (or a few, memory permitting) engine calls. Those calls, on fixed
blocks of ``_CHUNK`` rows, are the tasks an ``executor`` runs (:mod:`detente.experiments.runner`):
no randomness enters them, so the indices are the same on any executor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from detente.forecast.engine import Model, run_model

if TYPE_CHECKING:
    from detente.experiments.runner import Executor
    from detente.forecast.table import StakeholderTable

__all__ = [
    "Factor",
    "Influence",
    "Method",
    "SensitivityResult",
    "analyse_sensitivity",
    "factors",
]

Method = Literal["morris", "sobol"]
FloatArray = NDArray[np.float64]
_CHUNK = 8192  # replicates per engine call; the engines chunk memory further themselves


@dataclass(frozen=True)
class Factor:
    """One uncertain input: ``input`` of ``actor`` (on dimension ``dim``) over ``[low, high]``.

    For capability the range is of ``log`` of the multiplicative factor.
    """

    name: str
    actor: str
    input: Literal["position", "salience", "capability"]
    dim: int | None
    low: float
    high: float


@dataclass(frozen=True)
class Influence:
    """One factor's sensitivity indices (``None`` where the method does not give one)."""

    factor: str
    actor: str
    input: str
    dim: int | None
    low: float
    high: float
    mu_star: float | None = None
    mu_star_conf: float | None = None
    sigma: float | None = None
    s1: float | None = None
    s1_conf: float | None = None
    st: float | None = None
    st_conf: float | None = None

    @property
    def influence(self) -> float:
        """The ranking index: ``mu_star`` (Morris) or ``ST`` (Sobol)."""
        value = self.mu_star if self.mu_star is not None else self.st
        return 0.0 if value is None else float(value)

    @property
    def confidence(self) -> float:
        """Half-width of the 95 % bootstrap interval of :attr:`influence`."""
        value = self.mu_star_conf if self.mu_star is not None else self.st_conf
        return 0.0 if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        """Plain fields, for JSON."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {
            "influence": self.influence,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class SensitivityResult:
    """Indices for every factor, most influential first."""

    method: str
    model: str
    dim: int
    evaluations: int
    rows: tuple[Influence, ...]

    def most_influential(self, k: int = 5) -> tuple[Influence, ...]:
        """The ``k`` factors with the largest index."""
        return self.rows[:k]

    def by_actor(self) -> list[tuple[str, float]]:
        """Each actor's summed index over its inputs, largest first (ties by actor order)."""
        totals: dict[str, float] = {}
        for row in self.rows:
            totals[row.actor] = totals.get(row.actor, 0.0) + row.influence
        return sorted(totals.items(), key=lambda item: -item[1])

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per factor, most influential first."""
        return [row.to_dict() for row in self.rows]


def factors(
    table: StakeholderTable,
    *,
    position_span: float | None = None,
    salience_span: float = 0.2,
    capability_factor: float = 2.0,
) -> list[Factor]:
    """The factors of ``table`` with their ranges (see the module docstring)."""
    if capability_factor <= 1.0:
        raise ValueError(f"capability_factor must exceed 1, got {capability_factor}")
    pos = np.asarray(table.position, dtype=np.float64)
    sal = np.asarray(table.salience, dtype=np.float64)
    bounds = np.asarray(table.bounds, dtype=np.float64)
    d = pos.shape[1]
    width = bounds[:, 1] - bounds[:, 0]
    spans = 0.1 * width if position_span is None else np.full(d, float(position_span))
    log_f = math.log(capability_factor)
    out: list[Factor] = []
    for a, actor in enumerate(table.actors):
        for j in range(d):
            suffix = "" if d == 1 else f"[{j}]"
            lo, hi = _cut(pos[a, j], spans[j], bounds[j, 0], bounds[j, 1])
            out.append(Factor(f"{actor}.position{suffix}", actor, "position", j, lo, hi))
            lo, hi = _cut(sal[a, j], salience_span, 0.0, 1.0)
            out.append(Factor(f"{actor}.salience{suffix}", actor, "salience", j, lo, hi))
        out.append(Factor(f"{actor}.capability", actor, "capability", None, -log_f, log_f))
    return out


def _cut(value: float, span: float, lower: float, upper: float) -> tuple[float, float]:
    """``[value - span, value + span]`` cut to the scale, never empty (SALib needs low < high)."""
    lo, hi = max(lower, value - span), min(upper, value + span)
    if hi - lo <= 1e-12:  # a zero span, or a value outside its scale: give a sliver of room
        lo, hi = value - 1e-6, value + 1e-6
    return float(lo), float(hi)


def analyse_sensitivity(
    table: StakeholderTable,
    model: Model,
    *,
    method: Method = "morris",
    samples: int | None = None,
    rounds: int | None = None,
    dim: int = 0,
    rng: np.random.Generator,
    factor_list: Sequence[Factor] | None = None,
    executor: Executor | None = None,
) -> SensitivityResult:
    """Sensitivity of ``model``'s final forecast on dimension ``dim`` to every actor's inputs.

    Parameters
    ----------
    samples:
        Morris trajectories ``r`` (default 20) or the Sobol base sample ``N`` (a power of two,
        default 64).
    rng:
        Seeds SALib's sampler and bootstrap (two integers drawn from it).
    executor:
        Where the blocks of model runs go (default: in this process).
    """
    facs = list(factor_list) if factor_list is not None else factors(table)
    problem = {
        "num_vars": len(facs),
        "names": [f.name for f in facs],
        "bounds": [[f.low, f.high] for f in facs],
    }
    sample_seed, boot_seed = (int(v) for v in rng.integers(0, 2**31 - 1, size=2))
    if method == "morris":
        r = 20 if samples is None else samples
        x = morris_sample.sample(problem, r, num_levels=4, seed=sample_seed)
    elif method == "sobol":
        n_base = 64 if samples is None else samples
        x = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=sample_seed)
    else:
        raise ValueError(f"unknown sensitivity method {method!r}; expected morris or sobol")
    y = evaluate(table, model, facs, x, rounds=rounds, dim=dim, executor=executor)
    if method == "morris":
        res = morris_analyze.analyze(problem, x, y, num_levels=4, seed=boot_seed)
        rows = [
            _row(
                f,
                mu_star=res["mu_star"][i],
                mu_star_conf=res["mu_star_conf"][i],
                sigma=res["sigma"][i],
            )
            for i, f in enumerate(facs)
        ]
    else:
        res = _sobol(problem, y, boot_seed)
        rows = [
            _row(
                f,
                s1=res["S1"][i],
                s1_conf=res["S1_conf"][i],
                st=res["ST"][i],
                st_conf=res["ST_conf"][i],
            )
            for i, f in enumerate(facs)
        ]
    order = sorted(range(len(rows)), key=lambda i: -rows[i].influence)  # stable: table order
    return SensitivityResult(method, model, dim, int(x.shape[0]), tuple(rows[i] for i in order))


def _sobol(problem: dict[str, Any], y: FloatArray, seed: int) -> dict[str, FloatArray]:
    """SALib's Sobol analysis; a forecast that never varies has all indices zero."""
    keys = ("S1", "S1_conf", "ST", "ST_conf")
    if np.ptp(y) == 0.0:
        return {k: np.zeros(problem["num_vars"]) for k in keys}
    with np.errstate(divide="ignore", invalid="ignore"):
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    return {k: np.nan_to_num(np.asarray(res[k], dtype=np.float64)) for k in keys}


def _row(f: Factor, **values: float) -> Influence:
    return Influence(
        f.name,
        f.actor,
        f.input,
        f.dim,
        f.low,
        f.high,
        **{k: float(np.nan_to_num(v)) for k, v in values.items()},
    )


def evaluate(
    table: StakeholderTable,
    model: Model,
    facs: Sequence[Factor],
    x: FloatArray,
    *,
    rounds: int | None = None,
    dim: int = 0,
    executor: Executor | None = None,
    chunk: int = _CHUNK,
) -> FloatArray:
    """The final forecast on ``dim`` for every row of the sample matrix ``x`` ``(N, k)``, in
    blocks of ``chunk`` rows (on ``executor``'s workers if given)."""
    cap, pos, sal = apply_factors(table, facs, x)
    bounds = np.asarray(table.bounds, dtype=np.float64)
    tasks = [
        _Block(model, cap[sl], pos[sl], sal[sl], bounds, rounds, dim)
        for sl in (slice(i, i + chunk) for i in range(0, x.shape[0], chunk))
    ]
    if executor is None or executor.name == "serial" or len(tasks) < 2:
        parts = [_run_block(t) for t in tasks]
    else:
        parts = executor.map(_run_block, tasks)
    return np.concatenate(parts) if parts else np.empty(0)


@dataclass(frozen=True)
class _Block:
    """One engine call of a sensitivity analysis (a task for an executor)."""

    model: Model
    cap: FloatArray
    pos: FloatArray
    sal: FloatArray
    bounds: FloatArray
    rounds: int | None
    dim: int


def _run_block(b: _Block) -> FloatArray:
    run = run_model(b.model, b.cap, b.pos, b.sal, bounds=b.bounds, rounds=b.rounds)
    return np.asarray(run.final[:, b.dim], dtype=np.float64)


def apply_factors(
    table: StakeholderTable, facs: Sequence[Factor], x: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Inputs ``(N, n)``, ``(N, n, d)``, ``(N, n, d)`` with each factor set from ``x``'s columns."""
    n_rows = x.shape[0]
    cap = np.repeat(np.asarray(table.capability, dtype=np.float64)[None], n_rows, axis=0)
    pos = np.repeat(np.asarray(table.position, dtype=np.float64)[None], n_rows, axis=0)
    sal = np.repeat(np.asarray(table.salience, dtype=np.float64)[None], n_rows, axis=0)
    index = {actor: a for a, actor in enumerate(table.actors)}
    for i, f in enumerate(facs):
        a = index[f.actor]
        if f.input == "capability":
            cap[:, a] *= np.exp(x[:, i])
        elif f.input == "position":
            pos[:, a, f.dim] = x[:, i]
        else:
            sal[:, a, f.dim] = np.clip(x[:, i], 0.0, 1.0)
    return cap, pos, sal
