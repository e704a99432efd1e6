"""Monte Carlo uncertainty for a bargaining forecast: perturb the table, run, summarise.

A bargaining model turns one stakeholder table into one point forecast; its critics' first
complaint is that nothing says how much that forecast should be trusted (Masad 2016, who perturbs
saliences by N(0, 0.05); Bueno de Mesquita's later "shocks" of changed saliences and dropped
actors; see ``bargaining.md`` §5.2). Here every replicate redraws the coded inputs from stated
distributions, all replicates run through the vectorised engine, and the result is the
distribution of the forecast: quantiles, an interval, a histogram and the probability that the
outcome passes a threshold.

Distributions (all independent across actors, dimensions and replicates):

* position: ``x + N(0, position_sd²)`` in the table's scale units, clipped to the scale's bounds;
* salience: ``s + N(0, salience_sd²)``, clipped to ``[0, 1]``;
* capability: ``c · exp(N(0, capability_sigma²))`` (lognormal, median-preserving: capabilities are
  coded orders of magnitude, so errors are multiplicative);
* dropout: each actor is absent from a replicate with probability ``dropout``, except that the three
  actors with the highest uniform draws always stay, so every replicate keeps at least three actors
  (both models need three to bargain). A dropped actor is removed from the run, not zeroed.

Seeds: all random draws come from child generators spawned up front from the caller's generator,
one per fixed block of :data:`DRAW_BLOCK` replicates, so the numbers drawn — and therefore the
forecast — do not depend on how the computation is chunked for memory. The replicates are run as
tasks of :data:`TASK_BLOCKS` blocks, each with its own engine generator (also spawned up front),
so the result does not depend on the executor either (serial, local processes or Dask; see
:mod:`detente.experiments.runner`). The same generator state gives the same result bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.forecast.engine import DEFAULT_ROUNDS, Model, Trajectory, run_model
from detente.rng import spawn_generators

if TYPE_CHECKING:
    from detente.experiments.runner import Executor
    from detente.forecast.eum import EUMOptions
    from detente.forecast.smp import SMPParams
    from detente.forecast.table import StakeholderTable

__all__ = [
    "DRAW_BLOCK",
    "MIN_KEPT",
    "TASK_BLOCKS",
    "MonteCarloResult",
    "Perturbation",
    "PerturbedInputs",
    "check_run_memory",
    "perturb",
    "run_bytes",
    "run_monte_carlo",
]

FloatArray = NDArray[np.float64]

#: Replicates drawn from one spawned child generator (fixed, so results ignore chunking).
DRAW_BLOCK = 256
#: Draw blocks per task (fixed, so results ignore the executor and its number of workers).
TASK_BLOCKS = 16
#: Every replicate keeps at least this many actors.
MIN_KEPT = 3
#: Memory budget for one engine call's replicate batch (the engines chunk further inside).
_CHUNK_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Perturbation:
    """How the coded inputs are perturbed in each Monte Carlo replicate.

    Attributes
    ----------
    position_sd:
        Standard deviation of the normal noise added to positions, in the table's scale units;
        ``None`` (default) means 5 % of each dimension's range (5 points on a 0–100 scale).
    salience_sd:
        Standard deviation of the normal noise added to saliences (0–1 scale); default 0.05, the
        value Masad (2016) used for the EUM.
    capability_sigma:
        ``sigma`` of the lognormal multiplicative factor on capabilities; default 0.2 (a factor of
        about 0.67–1.49 at ±2 sigma).
    dropout:
        Probability that an actor is absent from a replicate, in ``[0, 1)``; default 0.05.
    """

    position_sd: float | None = None
    salience_sd: float = 0.05
    capability_sigma: float = 0.2
    dropout: float = 0.05

    def __post_init__(self) -> None:
        # InputError is a ValueError: callers may catch either; the CLI prints it plainly.
        for name, top in (("position_sd", 1e15), ("salience_sd", 10.0), ("capability_sigma", 10.0)):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= top:
                option = "--" + name.replace("_", "-")
                raise InputError(
                    f"{name} must be a finite number in [0, {top:g}] ({option}), got {value}"
                )
        if not 0.0 <= self.dropout < 1.0:
            raise InputError(f"dropout must be in [0, 1), got {self.dropout}")

    def position_scale(self, bounds: FloatArray) -> FloatArray:
        """``(d,)``: the position noise's standard deviation on each dimension."""
        width = bounds[:, 1] - bounds[:, 0]
        if self.position_sd is None:
            return 0.05 * width
        return np.full(width.shape, float(self.position_sd))

    def describe(self) -> dict[str, object]:
        """The stated distributions, for reports and ``--json``."""
        return {
            "position": "normal, sd "
            + ("5% of the scale" if self.position_sd is None else f"{self.position_sd:g}")
            + ", clipped to the scale",
            "salience": f"normal, sd {self.salience_sd:g}, clipped to [0, 1]",
            "capability": f"lognormal factor, sigma {self.capability_sigma:g}",
            "dropout": f"each actor with probability {self.dropout:g} (at least {MIN_KEPT} kept)",
        }


NO_NOISE = Perturbation(position_sd=0.0, salience_sd=0.0, capability_sigma=0.0, dropout=0.0)


@dataclass(frozen=True)
class PerturbedInputs:
    """``m`` perturbed copies of a table's inputs; ``kept[i, a]`` is False if ``a`` dropped out."""

    capability: FloatArray  # (m, n)
    position: FloatArray  # (m, n, d)
    salience: FloatArray  # (m, n, d)
    kept: NDArray[np.bool_]  # (m, n)


def perturb(
    table: StakeholderTable, perturbation: Perturbation, m: int, rng: np.random.Generator
) -> PerturbedInputs:
    """Draw ``m`` perturbed copies of ``table``'s inputs, all at once.

    The four noise arrays are always drawn, in a fixed order, even when a scale is zero, so that
    switching one kind of noise off leaves the draws of the others unchanged.

    A replicate in which no kept actor has both capability and salience left on a dimension the
    table gives weight to (saliences clipped to 0, say, in a table of low saliences) is not a
    bargaining game at all; it is redrawn from the same generator, after the first draws, so the
    other replicates are unchanged and the result stays reproducible.
    """
    out = _perturb_once(table, perturbation, m, rng)
    needed = _weighted_dimensions(table)
    for _ in range(_MAX_REDRAWS):
        bad = np.flatnonzero(~_has_weight(out, needed))
        if bad.size == 0:
            return out
        again = _perturb_once(table, perturbation, int(bad.size), rng)
        for name in ("capability", "position", "salience", "kept"):
            getattr(out, name)[bad] = getattr(again, name)
    raise InputError(
        f"table {table.name!r}: after {_MAX_REDRAWS} redraws some replicates still have no actor "
        "with both capability and salience above 0; lower --salience-sd or --dropout"
    )


#: Redraw rounds for replicates left without weight (each round redraws only those).
_MAX_REDRAWS = 100


def _weighted_dimensions(table: StakeholderTable) -> NDArray[np.bool_]:
    """``(d,)``: the dimensions on which some actor of the table has capability and salience."""
    cap = np.asarray(table.capability, dtype=np.float64)
    sal = np.asarray(table.salience, dtype=np.float64)
    return np.asarray((cap[:, None] * sal).sum(axis=0) > 0.0)


def _has_weight(inputs: PerturbedInputs, needed: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``(m,)``: whether each replicate keeps weight on every dimension in ``needed``."""
    weight = (inputs.capability * inputs.kept)[:, :, None] * inputs.salience  # (m, n, d)
    return np.asarray(np.all((weight.sum(axis=1) > 0.0) | ~needed, axis=1))


def _perturb_once(
    table: StakeholderTable, perturbation: Perturbation, m: int, rng: np.random.Generator
) -> PerturbedInputs:
    cap0 = np.asarray(table.capability, dtype=np.float64)
    pos0 = np.asarray(table.position, dtype=np.float64)
    sal0 = np.asarray(table.salience, dtype=np.float64)
    bounds = np.asarray(table.bounds, dtype=np.float64)
    n, d = pos0.shape
    z_pos = rng.standard_normal((m, n, d))
    z_sal = rng.standard_normal((m, n, d))
    z_cap = rng.standard_normal((m, n))
    u_drop = rng.random((m, n))

    position = np.clip(
        pos0 + z_pos * perturbation.position_scale(bounds), bounds[:, 0], bounds[:, 1]
    )
    salience = np.clip(sal0 + z_sal * perturbation.salience_sd, 0.0, 1.0)
    capability = cap0 * np.exp(z_cap * perturbation.capability_sigma)
    # The MIN_KEPT actors with the highest uniform draws never drop out.
    rank_desc = np.argsort(np.argsort(-u_drop, axis=1, kind="stable"), axis=1, kind="stable")
    kept = ~((u_drop < perturbation.dropout) & (rank_desc >= min(MIN_KEPT, n)))
    return PerturbedInputs(capability, position, salience, kept)


def quantiles_along_first(values: FloatArray, q: float | Sequence[float]) -> FloatArray:
    """``np.quantile(values, q, axis=0)`` (its default "linear" method), bit for bit.

    Written out because ``np.quantile`` imports ``numpy.ma`` on first use (through
    ``np.unique``), a tenth of NumPy's import time for a command that needs neither: the same
    sorted neighbours and the same interpolation formula (NumPy's ``_lerp``) give the same
    floats. NaN, which NumPy's quantile treats specially, is handed to NumPy.
    """
    data = np.asarray(values, dtype=np.float64)
    probs = np.asarray(q, dtype=np.float64)
    if np.any((probs < 0.0) | (probs > 1.0)) or np.isnan(probs).any():
        raise ValueError("Quantiles must be in the range [0, 1]")
    if data.shape[0] == 0 or np.isnan(data).any():
        return np.asarray(np.quantile(data, q, axis=0), dtype=np.float64)
    ordered = np.sort(data, axis=0)
    top = data.shape[0] - 1
    virtual = top * probs  # NumPy's virtual index for "linear": (n - 1) q
    below = np.floor(virtual)
    below = np.where(virtual >= top, top, below)  # q = 1 (or rounding above): the maximum
    gamma = (virtual - below).reshape(probs.shape + (1,) * (data.ndim - 1))
    low = ordered[below.astype(np.intp)]
    high = ordered[np.minimum(below + 1, top).astype(np.intp)]
    diff = high - low
    return np.asarray(np.where(gamma >= 0.5, high - diff * (1.0 - gamma), low + diff * gamma))


def median_along_first(values: FloatArray) -> FloatArray:
    """``np.median(values, axis=0)``, bit for bit, without importing ``numpy.ma`` (which
    NumPy's median does to check for masked arrays): the mean of the middle one or two sorted
    values, NaN wherever a column holds one."""
    data = np.asarray(values, dtype=np.float64)
    if data.shape[0] == 0:
        return np.asarray(np.median(data, axis=0), dtype=np.float64)
    ordered = np.sort(data, axis=0)
    n = data.shape[0]
    middle = np.mean(ordered[[(n - 1) // 2, n // 2]], axis=0)
    return np.asarray(np.where(np.isnan(ordered[-1]), np.nan, middle), dtype=np.float64)


@dataclass(frozen=True)
class MonteCarloResult:
    """The distribution of a forecast over perturbed replicates.

    Attributes
    ----------
    table:
        The unperturbed stakeholder table.
    model, rounds, perturbation:
        What was run.
    base:
        The unperturbed run (one replicate).
    outcomes:
        ``(runs, d)``: each replicate's final forecast.
    trajectories:
        ``(runs, T+1, d)``: each replicate's forecast after every round or turn.
    turns:
        ``(runs,)``: rounds or turns each replicate ran.
    kept:
        ``(runs, n)``: which actors took part in each replicate.
    inputs:
        Every replicate's perturbed inputs (``None`` if the run did not keep them).
    options:
        The model variant run (``None``: the defaults).
    """

    table: StakeholderTable
    model: str
    rounds: int
    perturbation: Perturbation
    base: Trajectory
    outcomes: FloatArray
    trajectories: FloatArray
    turns: NDArray[np.int64]
    kept: NDArray[np.bool_]
    inputs: PerturbedInputs | None = None
    options: EUMOptions | SMPParams | None = None

    def __repr__(self) -> str:
        return (
            f"<MonteCarloResult {self.model.upper()} {self.table.name!r}: {self.runs} runs, "
            f"forecast {np.array2string(self.forecast, precision=2)}>"
        )

    @property
    def runs(self) -> int:
        """Number of replicates."""
        return int(self.outcomes.shape[0])

    @property
    def forecast(self) -> FloatArray:
        """``(d,)``: the unperturbed run's final forecast."""
        return np.asarray(self.base.final[0], dtype=np.float64)

    def quantiles(self, q: float | Sequence[float]) -> FloatArray:
        """Quantiles of the final forecast: ``(d,)`` for a scalar ``q``, else ``(len(q), d)``."""
        return quantiles_along_first(self.outcomes, q)

    def interval(self, level: float = 0.9) -> tuple[FloatArray, FloatArray]:
        """The central ``level`` interval of the final forecast: ``(low (d,), high (d,))``."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be in (0, 1), got {level}")
        tail = (1.0 - level) / 2.0
        low, high = self.quantiles([tail, 1.0 - tail])
        return low, high

    def histogram(self, bins: int = 20, dim: int = 0) -> tuple[NDArray[np.int64], FloatArray]:
        """Counts of the final forecast on dimension ``dim`` in ``bins`` equal bins of the scale."""
        lo, hi = (float(v) for v in np.asarray(self.table.bounds)[dim])
        counts, edges = np.histogram(self.outcomes[:, dim], bins=bins, range=(lo, hi))
        return counts.astype(np.int64), edges

    def p_exceeds(self, threshold: float, dim: int = 0) -> float:
        """Share of replicates whose final forecast on ``dim`` is strictly above ``threshold``."""
        if not math.isfinite(threshold):
            raise InputError(f"threshold must be a finite number, got {threshold!r}")
        return float(np.mean(self.outcomes[:, dim] > threshold))

    def p_exceeds_se(self, threshold: float, dim: int = 0) -> float:
        """Monte Carlo standard error of :meth:`p_exceeds`: ``sqrt(p (1 - p) / runs)``."""
        p = self.p_exceeds(threshold, dim)
        return math.sqrt(p * (1.0 - p) / self.runs)

    def mean_se(self) -> FloatArray:
        """``(d,)``: Monte Carlo standard error of the mean final forecast, ``sd / sqrt(runs)``."""
        ddof = 1 if self.runs > 1 else 0
        return np.asarray(self.outcomes.std(axis=0, ddof=ddof) / math.sqrt(self.runs))

    def bands(self, q: Sequence[float]) -> FloatArray:
        """``(len(q), T+1, d)``: quantiles of the forecast after each round (for fan charts)."""
        return quantiles_along_first(self.trajectories, q)

    def dropout_rate(self) -> FloatArray:
        """``(n,)``: share of replicates from which each actor was absent."""
        return np.asarray(1.0 - self.kept.mean(axis=0), dtype=np.float64)


def run_monte_carlo(
    table: StakeholderTable,
    model: Model,
    runs: int,
    perturbation: Perturbation | None = None,
    rounds: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    chunk_size: int | None = None,
    options: EUMOptions | SMPParams | None = None,
    executor: Executor | None = None,
    keep_inputs: bool = True,
    progress: bool | None = False,
    task_blocks: int = TASK_BLOCKS,
) -> MonteCarloResult:
    """Run ``runs`` perturbed replicates of ``table`` through ``model``.

    Parameters
    ----------
    table:
        The coded stakeholder table (its values are the centres of the perturbations).
    model:
        ``"eum"`` or ``"smp"``.
    runs:
        Number of replicates, at least 1.
    perturbation:
        The distributions of the perturbed inputs (default :class:`Perturbation`).
    rounds:
        EUM rounds or SMP turn cap (default :data:`~detente.forecast.engine.DEFAULT_ROUNDS`).
    rng:
        The one generator everything is spawned from (default: fresh OS entropy).
    chunk_size:
        Replicates per engine call; ``None`` picks one from a 256 MB budget. The result does not
        depend on it (the draws are made per fixed block, and every engine treats replicates
        independently).
    options:
        The model variant (:class:`~detente.forecast.eum.EUMOptions` or
        :class:`~detente.forecast.smp.SMPParams`), passed to the engine.
    executor:
        Where the tasks of :data:`TASK_BLOCKS` draw blocks run
        (:mod:`detente.experiments.runner`; default serial). The result is bit-identical
        whatever the executor and its number of workers.
    keep_inputs:
        Keep every replicate's perturbed inputs in :attr:`MonteCarloResult.inputs` (for scenario
        discovery); ``False`` saves memory and transfer on very large runs.
    progress:
        Show a progress bar on stderr (``None``: only when stderr is a terminal).
    task_blocks:
        Draw blocks per task (default :data:`TASK_BLOCKS`). Part of the specification: with
        a stochastic engine variant each task has its own engine generator, so changing it
        changes those draws; executors and worker counts never do.

    Returns
    -------
    MonteCarloResult
        The unperturbed run, every replicate's trajectory and (with ``keep_inputs``) inputs.
    """
    from detente.experiments.runner import SerialExecutor, progress_bar

    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise InputError(f"runs must be a whole number >= 1, got {runs!r}")
    perturbation = Perturbation() if perturbation is None else perturbation
    rng = np.random.default_rng() if rng is None else rng
    if not isinstance(rng, np.random.Generator):
        raise InputError(
            f"rng must be a numpy Generator (np.random.default_rng(seed)), not {rng!r}"
        )
    n_rounds = DEFAULT_ROUNDS[model] if rounds is None else int(rounds)
    bounds = np.asarray(table.bounds, dtype=np.float64)
    check_run_memory(table, runs, n_rounds)
    n_blocks = -(-runs // DRAW_BLOCK)
    *block_rngs, engine_rng = spawn_generators(rng, n_blocks + 1)
    if task_blocks < 1:
        raise ValueError(f"task_blocks must be at least 1, got {task_blocks}")
    n_tasks = -(-n_blocks // task_blocks)
    task_rngs = spawn_generators(engine_rng, n_tasks)
    n, d = np.asarray(table.position).shape
    chunk = chunk_size or _default_chunk(model, n, d, n_rounds)
    tasks = []
    for k in range(n_tasks):
        first = k * task_blocks
        blocks = range(first, min(n_blocks, first + task_blocks))
        sizes = tuple(min(DRAW_BLOCK, runs - b * DRAW_BLOCK) for b in blocks)
        tasks.append(
            _Task(
                table,
                model,
                perturbation,
                n_rounds,
                options,
                tuple(block_rngs[b] for b in blocks),
                sizes,
                task_rngs[k],
                chunk,
                keep_inputs,
            )
        )
    base = run_model(
        model,
        table.capability,
        table.position,
        table.salience,
        bounds=bounds,
        rounds=n_rounds,
        rng=engine_rng,
        options=options,
    )
    executor = executor or SerialExecutor()
    label = f"{model.upper()} Monte Carlo, {runs} runs ({executor.name})"
    with progress_bar(len(tasks), label, show=progress) as advance:
        parts = executor.map(_run_task, tasks, advance)
    traj = np.concatenate([p.trajectories for p in parts])
    turns = np.concatenate([p.turns for p in parts])
    kept = np.concatenate([p.kept for p in parts])
    length = int(max(turns.max(), base.turns.max())) + 1
    traj = traj[:, : max(length, 1)]
    inputs = _concat([p.inputs for p in parts if p.inputs is not None]) if keep_inputs else None
    return MonteCarloResult(
        table=table,
        model=model,
        rounds=n_rounds,
        perturbation=perturbation,
        base=base,
        outcomes=np.ascontiguousarray(traj[:, -1, :]),
        trajectories=traj,
        turns=turns,
        kept=kept,
        inputs=inputs,
        options=options,
    )


#: Memory the replicates' inputs and stored paths may take together (the engines' own
#: temporaries are bounded separately, by the chunk size).
RUN_MEMORY_BUDGET = 2 * 2**30


def run_bytes(runs: int, n: int, d: int, rounds: int) -> int:
    """Bytes the Monte Carlo keeps for ``runs`` replicates at once: the perturbed inputs
    (capability, position, salience, dropout mask: ``n (2d + 1)`` floats and ``n`` flags) and
    each replicate's forecast path (``(rounds + 1) d`` floats), plus one copy of each for the
    packing by actor count."""
    return runs * (2 * (8 * n * (2 * d + 1) + n) + 2 * 8 * (rounds + 1) * d)


def check_run_memory(table: StakeholderTable, runs: int, rounds: int) -> None:
    """Refuse, before drawing anything, a run whose replicates would not fit the budget."""
    n, d = np.asarray(table.position).shape
    need = run_bytes(runs, n, d, rounds)
    if need > RUN_MEMORY_BUDGET:
        most = max(1, runs * RUN_MEMORY_BUDGET // need)
        raise InputError(
            f"--runs {runs} on a table of {n} actors, {d} dimension(s) and {rounds} rounds needs "
            f"about {need / 2**30:.1f} GiB, more than the {RUN_MEMORY_BUDGET / 2**30:.0f} GiB "
            f"allowed; use --runs {most} or fewer"
        )


class _Task:
    """One task: a run of consecutive draw blocks, with its own generators (spawned up front)."""

    # a plain class, not a dataclass: a dataclass compiles its generated methods at every
    # start-up (some 4-5 M instructions each, measured with valgrind)

    __slots__ = (
        "block_rngs",
        "chunk",
        "engine_rng",
        "keep_inputs",
        "model",
        "options",
        "perturbation",
        "rounds",
        "sizes",
        "table",
    )

    table: StakeholderTable
    model: Model
    perturbation: Perturbation
    rounds: int
    options: EUMOptions | SMPParams | None
    block_rngs: tuple[np.random.Generator, ...]
    sizes: tuple[int, ...]
    engine_rng: np.random.Generator
    chunk: int
    keep_inputs: bool

    def __init__(
        self,
        table: StakeholderTable,
        model: Model,
        perturbation: Perturbation,
        rounds: int,
        options: EUMOptions | SMPParams | None,
        block_rngs: tuple[np.random.Generator, ...],
        sizes: tuple[int, ...],
        engine_rng: np.random.Generator,
        chunk: int,
        keep_inputs: bool,
    ) -> None:
        self.table = table
        self.model = model
        self.perturbation = perturbation
        self.rounds = rounds
        self.options = options
        self.block_rngs = block_rngs
        self.sizes = sizes
        self.engine_rng = engine_rng
        self.chunk = chunk
        self.keep_inputs = keep_inputs


class _Part:
    # a plain class, not a dataclass: a dataclass compiles its generated methods at every
    # start-up (some 4-5 M instructions each, measured with valgrind)

    __slots__ = ("inputs", "kept", "trajectories", "turns")

    trajectories: FloatArray
    turns: NDArray[np.int64]
    kept: NDArray[np.bool_]
    inputs: PerturbedInputs | None

    def __init__(
        self,
        trajectories: FloatArray,
        turns: NDArray[np.int64],
        kept: NDArray[np.bool_],
        inputs: PerturbedInputs | None,
    ) -> None:
        self.trajectories = trajectories
        self.turns = turns
        self.kept = kept
        self.inputs = inputs


def _run_task(task: _Task) -> _Part:
    """Draw the task's blocks and run them (a module-level function: workers import it)."""
    inputs = _concat(
        [
            perturb(task.table, task.perturbation, size, g)
            for size, g in zip(task.sizes, task.block_rngs, strict=True)
        ]
    )
    bounds = np.asarray(task.table.bounds, dtype=np.float64)
    traj, turns = _run_grouped(
        task.model, inputs, bounds, task.rounds, task.chunk, task.engine_rng, task.options
    )
    return _Part(traj, turns, inputs.kept, inputs if task.keep_inputs else None)


def _concat(parts: Sequence[PerturbedInputs]) -> PerturbedInputs:
    return PerturbedInputs(
        capability=np.concatenate([p.capability for p in parts]),
        position=np.concatenate([p.position for p in parts]),
        salience=np.concatenate([p.salience for p in parts]),
        kept=np.concatenate([p.kept for p in parts]),
    )


def _default_chunk(model: str, n: int, d: int, rounds: int) -> int:
    """Replicates per engine call that keep the largest temporaries within the budget."""
    per_replicate = 8 * (8 * n * n * d + 2 * (rounds + 1) * n * d)
    if model == "eum":
        per_replicate += 8 * 4 * n * n * n  # the EUM's voter x pair tensor, if built whole
    return max(1, _CHUNK_BYTES // per_replicate)


def _run_grouped(
    model: Model,
    inputs: PerturbedInputs,
    bounds: FloatArray,
    rounds: int,
    chunk: int,
    rng: np.random.Generator,
    options: EUMOptions | SMPParams | None = None,
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Run replicates grouped by how many actors they kept, in chunks of at most ``chunk``.

    The engines take per-replicate inputs, so replicates that kept the same *number* of actors
    can share one call even when they kept different actors: each row's present actors are packed
    to the front in table order (order matters only for ties, which go to the earlier actor, as
    they would in the reduced table). That bounds the calls by ``n - 2`` groups, not by the
    number of distinct dropout patterns.
    """
    runs, _, d = inputs.position.shape
    traj = np.empty((runs, rounds + 1, d))
    turns = np.zeros(runs, dtype=np.int64)
    counts = inputs.kept.sum(axis=1)
    for k in sorted(set(counts.tolist())):  # not np.unique: it imports numpy.ma (~15 ms)
        rows_all = np.flatnonzero(counts == k)
        for start in range(0, rows_all.size, chunk):
            rows = rows_all[start : start + chunk]
            # Column indices of each row's kept actors, in table order.
            cols = np.argsort(~inputs.kept[rows], axis=1, kind="stable")[:, :k]
            r = rows[:, None]
            run = run_model(
                model,
                inputs.capability[r, cols],
                inputs.position[r, cols],
                inputs.salience[r, cols],
                bounds=bounds,
                rounds=rounds,
                rng=rng,
                options=options,
            )
            stored = min(run.length, rounds + 1)
            traj[rows, :stored] = run.outcome[:, :stored]
            traj[rows, stored:] = run.outcome[:, stored - 1 : stored]
            turns[rows] = run.turns
    return traj, turns
