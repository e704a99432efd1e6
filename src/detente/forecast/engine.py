"""One adapter over the two bargaining engines, on the stakeholder table's own scale.

The expected-utility model (EUM; Bueno de Mesquita 1994, as formalised by Scholz, Calbert & Smith
2011, :mod:`detente.forecast.eum`) is one-dimensional: a table with ``d`` issues is run as ``d``
independent EUM games, one per dimension, and its forecast on each is the salience- and
capability-weighted median position per round. The spatial model of politics (SMP; KAPSARC's KTAB,
:mod:`detente.forecast.smp`) bargains over all ``d`` dimensions at once on the unit cube, so
positions are normalised with the table's ``bounds`` before the run and the results rescaled after.

Both engines take a leading replicate axis ``m``; :func:`run_model` passes it through, so one call
evaluates a whole Monte Carlo or sensitivity sample. The result is a :class:`Trajectory` whose
arrays are all on the table's scale and padded to a common length (a replicate that stopped early
holds its last state), so that replicates can be stacked and compared round by round.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError

if TYPE_CHECKING:
    from detente.forecast import eum
    from detente.forecast.smp import SMPParams

__all__ = [
    "DEFAULT_ROUNDS",
    "MEMORY_BUDGET",
    "MODELS",
    "Model",
    "Trajectory",
    "check_memory",
    "replicate_bytes",
    "run_model",
]

Model = Literal["eum", "smp"]
MODELS: tuple[Model, ...] = ("eum", "smp")

#: Default stopping bounds: the EUM's customary 10 rounds (Scholz et al. 2011 report 10) and the
#: SMP's turn cap (KTAB stops earlier by its 2 % rule; 100 turns is a generous ceiling).
DEFAULT_ROUNDS: dict[str, int] = {"eum": 10, "smp": 100}

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Trajectory:
    """The path of one or many bargaining runs, on the table's scale.

    Attributes
    ----------
    model:
        ``"eum"`` or ``"smp"``.
    outcome:
        ``(m, T+1, d)``: the model's forecast after each round or turn (row 0 is the initial
        state). EUM: weighted median position per dimension; SMP: the expected outcome over the
        probabilistic Condorcet election.
    positions:
        ``(m, T+1, n, d)``: every actor's position after each round or turn.
    turns:
        ``(m,)``: rounds or turns each replicate actually ran; rows after ``turns[i]`` repeat the
        state reached at ``turns[i]``.
    """

    model: str
    outcome: FloatArray
    positions: FloatArray
    turns: NDArray[np.int64]

    @property
    def final(self) -> FloatArray:
        """``(m, d)``: the forecast at the end of each replicate."""
        return self.outcome[:, -1, :]

    @property
    def replicates(self) -> int:
        """Number of replicates ``m``."""
        return int(self.outcome.shape[0])

    @property
    def length(self) -> int:
        """Number of stored states ``T+1`` (initial state included)."""
        return int(self.outcome.shape[1])


def run_model(
    model: Model,
    capability: FloatArray,
    position: FloatArray,
    salience: FloatArray,
    *,
    bounds: FloatArray,
    rounds: int | None = None,
    rng: np.random.Generator | None = None,
    options: eum.EUMOptions | SMPParams | None = None,
) -> Trajectory:
    """Run ``model`` on ``m`` replicates of one stakeholder table.

    Parameters
    ----------
    model:
        ``"eum"`` (one game per dimension) or ``"smp"`` (all dimensions jointly).
    capability:
        ``(m, n)`` or ``(n,)``, non-negative, any unit (only ratios matter to either model).
    position:
        ``(m, n, d)`` or ``(n, d)`` on the table's scale, inside ``bounds``.
    salience:
        ``(m, n, d)`` or ``(n, d)`` in ``[0, 1]``.
    bounds:
        ``(d, 2)``: the lower and upper end of each dimension's scale.
    rounds:
        EUM rounds, or the SMP's cap on turns; ``None`` takes :data:`DEFAULT_ROUNDS`.
    rng:
        Only the SMP's stochastic options draw from it; the default engines are deterministic.
    options:
        The model variant: :class:`~detente.forecast.eum.EUMOptions` for the EUM,
        :class:`~detente.forecast.smp.SMPParams` for the SMP; ``None`` takes the defaults.
    """
    if model not in MODELS:
        raise InputError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    n_rounds = DEFAULT_ROUNDS[model] if rounds is None else _whole(rounds, "rounds")
    if n_rounds < 1:
        raise InputError(f"rounds must be at least 1, got {n_rounds}")
    cap, pos, sal, lo_hi = _as_batch(capability, position, salience, bounds)
    m, n, d = pos.shape
    check_memory(model, m, n, d, n_rounds)
    # each engine's module is imported when it runs: an SMP forecast never loads the EUM
    if model == "eum":
        from detente.forecast import eum

        if options is not None and not isinstance(options, eum.EUMOptions):
            raise TypeError(f"the EUM takes EUMOptions, not {type(options).__name__}")
        return _run_eum(cap, pos, sal, lo_hi, n_rounds, options or eum.EUMOptions())
    if model == "smp":
        # an EUMOptions exists only once its module is loaded: no need to load it to check
        loaded = sys.modules.get("detente.forecast.eum")
        if loaded is not None and isinstance(options, loaded.EUMOptions):
            raise TypeError("the SMP takes SMPParams, not EUMOptions")
        return _run_smp(cap, pos, sal, lo_hi, n_rounds, rng, cast("SMPParams | None", options))
    raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")


def _whole(value: object, name: str) -> int:
    """``value`` as an ``int`` if it is a whole number (``1.5`` and ``True`` are refused)."""
    whole = isinstance(value, int | np.integer) or (
        isinstance(value, float | np.floating) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole:
        raise InputError(f"{name} must be a whole number, got {value!r}")
    return int(cast("int | float", value))


#: Memory one engine call may use; larger tables are refused before anything is allocated.
MEMORY_BUDGET = 4 * 2**30


def replicate_bytes(model: str, n: int, d: int, rounds: int) -> int:
    """Bytes one replicate of ``model`` needs at its peak, for ``n`` actors on ``d`` dimensions.

    Both engines hold a few ``n x n`` (per dimension) arrays of 8-byte floats at once (the
    EUM's pairwise utilities, the SMP's pairwise votes), plus the stored path of positions.
    """
    return 8 * (8 * n * n * d + 2 * (rounds + 1) * n * d)


def check_memory(model: str, m: int, n: int, d: int, rounds: int) -> None:
    """Refuse a table whose single replicate would exceed :data:`MEMORY_BUDGET`, naming it.

    (A batch of many replicates is chunked by the caller; one replicate cannot be split.)
    """
    need = replicate_bytes(model, n, d, rounds)
    if need > MEMORY_BUDGET:
        raise InputError(
            f"the table has {n} actors on {d} dimension(s): one {model.upper()} run needs about "
            f"{need / 2**30:.1f} GiB, more than the {MEMORY_BUDGET / 2**30:.0f} GiB allowed; "
            "split the table or merge small actors"
        )


def _as_batch(
    capability: FloatArray, position: FloatArray, salience: FloatArray, bounds: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Give every input its replicate axis and check shapes and ranges, for both engines alike.

    Capabilities must be finite and ``>= 0``, saliences finite and in ``[0, 1]``, positions
    finite and inside ``bounds`` (no silent clipping), bounds finite with lower < upper.
    """
    try:
        pos = np.asarray(position, dtype=np.float64)
        if pos.ndim == 2:
            pos = pos[None]
        if pos.ndim != 3:
            raise InputError(f"position must be (n, d) or (m, n, d), got shape {pos.shape}")
        m, n, d = pos.shape
        cap = np.broadcast_to(np.asarray(capability, dtype=np.float64), (m, n))
        sal = np.broadcast_to(np.asarray(salience, dtype=np.float64), (m, n, d))
        lo_hi = np.asarray(bounds, dtype=np.float64).reshape(d, 2)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            "capability (m, n) or (n,), position (m, n, d) or (n, d), salience like position "
            f"and bounds (d, 2) do not fit together: {exc}"
        ) from None
    _check_ranges(cap, pos, sal, lo_hi)
    return np.ascontiguousarray(cap), pos, np.ascontiguousarray(sal), lo_hi


def _check_ranges(cap: FloatArray, pos: FloatArray, sal: FloatArray, lo_hi: FloatArray) -> None:
    problems = [
        f"{name} has non-finite values"
        for name, arr in (
            ("capability", cap),
            ("position", pos),
            ("salience", sal),
            ("bounds", lo_hi),
        )
        if not np.all(np.isfinite(arr))
    ]
    if problems:
        raise InputError("; ".join(problems))
    if np.any(lo_hi[:, 1] <= lo_hi[:, 0]) or not np.all(np.isfinite(lo_hi[:, 1] - lo_hi[:, 0])):
        raise InputError(f"each dimension needs finite lower < upper bounds, got {lo_hi.tolist()}")
    if np.any(cap < 0):
        problems.append("capability must be >= 0")
    if np.any((sal < 0) | (sal > 1)):
        problems.append("salience must be in [0, 1]")
    if np.any((pos < lo_hi[:, 0]) | (pos > lo_hi[:, 1])):
        problems.append(f"positions must lie inside the bounds {lo_hi.tolist()}")
    if problems:
        raise InputError("; ".join(problems))


def _run_eum(
    cap: FloatArray,
    pos: FloatArray,
    sal: FloatArray,
    lo_hi: FloatArray,
    rounds: int,
    options: eum.EUMOptions,
) -> Trajectory:
    """One EUM game per dimension; the forecast is the weighted median each round."""
    from detente.forecast import eum

    m, n, d = pos.shape
    outcome = np.empty((m, rounds + 1, d))
    positions = np.empty((m, rounds + 1, n, d))
    turns = np.zeros(m, dtype=np.int64)
    for j in range(d):
        run = eum.simulate(
            cap,
            np.ascontiguousarray(pos[:, :, j]),
            np.ascontiguousarray(sal[:, :, j]),
            rounds=rounds,
            options=options,
            bounds=(float(lo_hi[j, 0]), float(lo_hi[j, 1])),
        )
        stored = run.positions.shape[1]
        outcome[:, :stored, j] = run.median
        positions[:, :stored, :, j] = run.positions
        # A convergence rule may stop the game early: hold the last state.
        outcome[:, stored:, j] = run.median[:, -1:]
        positions[:, stored:, :, j] = run.positions[:, -1:, :]
        ran = np.broadcast_to(np.asarray(run.rounds_run, dtype=np.int64), (m,))
        turns = np.maximum(turns, ran)
    return Trajectory("eum", outcome, positions, turns)


def _run_smp(
    cap: FloatArray,
    pos: FloatArray,
    sal: FloatArray,
    lo_hi: FloatArray,
    rounds: int,
    rng: np.random.Generator | None,
    params: SMPParams | None = None,
) -> Trajectory:
    """The SMP on the unit cube, rescaled back to the table's scale."""
    from detente.forecast import smp  # imported on first use: EUM-only work never loads it

    if np.any((cap * sal.sum(axis=-1)).sum(axis=-1) <= 0.0):
        # Every actor would get the negligible stand-in salience: the result would be noise.
        raise InputError("no actor has both capability and salience above 0")
    lo = lo_hi[:, 0]
    width = lo_hi[:, 1] - lo
    # inside [0, 1] by the checks above; the clip only absorbs rounding at the ends
    unit = np.clip((pos - lo) / width, 0.0, 1.0)
    try:
        run = smp.simulate(
            cap,
            unit,
            _smp_salience(sal),
            params=params or smp.SMPParams(),
            max_turns=rounds,
            rng=rng,
        )
    except ValueError as exc:  # the SMP's input checks (e.g. a zero capability)
        raise InputError(f"SMP: {exc}") from None
    turns = np.asarray(run.turns, dtype=np.int64).reshape(-1)
    outcome = _hold_after(np.asarray(run.outcome, dtype=np.float64), turns) * width + lo
    positions = _hold_after(np.asarray(run.positions, dtype=np.float64), turns) * width + lo
    return Trajectory("smp", outcome, positions, turns)


def _smp_salience(sal: FloatArray) -> FloatArray:
    """Saliences as KTAB requires them: each actor's sum in ``(0, 1]``.

    Coded tables satisfy this; perturbed or sampled ones may not. A sum above 1 is scaled down to
    1 (the actor's attention is shared out in the same proportions); an actor with no salience at
    all gets a negligible one (1e-9), which leaves it without influence, as intended.
    """
    total = sal.sum(axis=-1, keepdims=True)
    scaled = np.where(total > 1.0, sal / np.where(total > 0, total, 1.0), sal)
    return np.where(total > 0.0, scaled, 1e-9 / sal.shape[-1])


def _hold_after(values: FloatArray, turns: NDArray[np.int64]) -> FloatArray:
    """Repeat each replicate's state at ``turns[i]`` over the later, unused rows."""
    length = values.shape[1]
    last = np.minimum(turns, length - 1)
    index = np.minimum(np.arange(length)[None, :], last[:, None])  # (m, T+1)
    index = index.reshape(index.shape + (1,) * (values.ndim - 2))
    return np.take_along_axis(values, index, axis=1)
