"""Bueno de Mesquita's expected-utility model (EUM), formalised by Scholz, Calbert & Smith (2011).

One issue on a metric scale; actor ``i`` has a position ``x_i``, a capability ``c_i >= 0`` and a
salience ``s_i`` in ``[0, 1]``. Each round every actor

1. sets all risk exponents to 1 and measures its *danger* ``S_i``: the sum of the expected utilities
   that the other actors would draw from challenging it;
2. turns its danger, relative to the most and least threatened actors, into a risk exponent
   ``r_i`` in ``[0.5, 2]`` (most threatened -> 0.5, least -> 2);
3. with the new exponents, compares for every other actor ``j`` what it expects from challenging
   ``j`` (``a = E^i(U_ij)``) with what ``j`` expects from challenging it (``b = E^i(U_ji)``); the
   sign pattern of ``(a, b)`` is an offer from ``j``: a conflict that ``i`` expects to lose, a
   compromise, or a capitulation;
4. accepts its best offer; all actors move at once.

References
----------
Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Stokman & Bueno
de Mesquita (eds.), *European Community Decision Making*, Yale UP, 71-104.
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de Mesquita's group decision
model. *Journal of Theoretical Politics* 23(4), 510-531.

The replications of Scholz's code (J. McKibben's and D. Masad's ``bdm_scholz_model.py``) and
Masad's 2014 ``GroupDecisionModel.py`` disagree with the printed paper on several points; each is
an :class:`EUMOptions` field (see ``docs/eum.md``). The defaults reproduce the published
10-round trajectory of the EU car-emission example (Scholz et al. 2011, Table 1 and Fig. "mean
positions").

Everything is vectorised over actors and over a leading axis of ``m`` replicates, so a Monte Carlo
sample of perturbed tables is one array program. The only ``O(n^3)`` step is the voters' spread
``A_ij = sum_k c_k s_k |d_kj^r_k - d_ki^r_k|``; it is computed in blocks that stay inside a memory
budget (256 MiB by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.errors import InputError, Problem
from detente.forecast._scratch import Scratch
from detente.forecast.kernels import compiled_kernel, use_compiled

if TYPE_CHECKING:
    from detente.forecast.table import StakeholderTable

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EUM",
    "EUMOptions",
    "EUMRun",
    "expected_utilities",
    "offer_types",
    "risk_exponents",
    "simulate",
    "weighted_mean",
    "weighted_median",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

ProbabilityForm = Literal["scholz_code", "paper", "net"]
RiskPerspective = Literal["receiver", "own"]
VoteRisk = Literal["voter", "neutral"]
Capitulation = Literal["scholz_code", "as_published"]
OfferChoice = Literal["scholz_code", "least_move", "largest_eu"]

#: Memory budget for the pairwise and voter-by-pair temporaries of one block (bytes).
DEFAULT_MAX_BYTES = 256 * 2**20

# Number of (m, n, n) float64 arrays alive at once inside one round (utilities, offers, keys).
_PAIR_ARRAYS = 24
# Replicates are processed in blocks whose pairwise arrays stay cache-sized: measured on the EU
# example (n = 10, m = 10,000) blocks of ~200 replicates run 1.5x faster than one big block.
_CACHE_BYTES = 4 * 2**20


@dataclass(frozen=True)
class EUMOptions:
    """The points where the paper and the reference codes disagree (bargaining.md §1.4).

    The defaults are the Scholz-code variant (as replicated by McKibben/Masad), the only one with a
    published trajectory to test against.

    Attributes
    ----------
    probability:
        How likely challenger ``i`` beats ``j``; third parties vote for the nearer side with weight
        ``c_k s_k`` and distance ``d^r_k``. ``"scholz_code"``: positive votes for ``i`` over one
        global constant, the sum of absolute votes over all voters and all ordered actor pairs (so
        ``P`` is tiny). ``"paper"``: positive votes over the absolute votes of that pair
        (``P_ij + P_ji = 1``). ``"net"`` (Masad 2014): the net vote for ``i`` clipped at 0, over the
        pair's absolute votes.
    risk_perspective:
        Whose risk exponent shapes the utilities in ``E(U_ij)`` and ``E(U_ji)`` when actor ``i``
        weighs an offer. ``"receiver"`` (Scholz code): ``i``'s own for both. ``"own"`` (paper,
        Masad): each challenger's own.
    vote_risk:
        ``"voter"`` (Scholz code): third parties discount distances with their own exponent
        ``r_k``; ``"neutral"``: the printed vote formula, with ``r = 1``.
    capitulation:
        ``"scholz_code"``: the replicated code's typo (``b < abs(b)``) means capitulation never
        happens. ``"as_published"``: ``i`` capitulates to ``j`` when ``b > 0 > a`` and
        ``b < |a|``.
    offer_choice:
        Which of several offers an actor takes. ``"scholz_code"``: a conflict if any (least
        movement), else a compromise with the smallest ``(|a| x_i + |b| x_j) / (|a| + |b|)``, else a
        capitulation (least movement). ``"least_move"``: the same order of types, least movement
        within each (the paper's wording). ``"largest_eu"`` (Masad 2014): the offer whose sender
        gains most (largest ``b``), ties to the nearest.
    q:
        Probability that the status quo persists if nobody challenges (``Q``), in ``[0, 1]``.
    t:
        Probability that an unchallenged change favours the challenger (``T``), in ``[0, 1]``.
        With ``q = 1`` (all codes) ``t`` and the median drop out of the dynamics.

    Ties in every choice go to the first actor in table order.
    """

    probability: ProbabilityForm = "scholz_code"
    risk_perspective: RiskPerspective = "receiver"
    vote_risk: VoteRisk = "voter"
    capitulation: Capitulation = "scholz_code"
    offer_choice: OfferChoice = "scholz_code"
    q: float = 1.0
    t: float = 1.0

    def __post_init__(self) -> None:
        choices = {
            "probability": ProbabilityForm,
            "risk_perspective": RiskPerspective,
            "vote_risk": VoteRisk,
            "capitulation": Capitulation,
            "offer_choice": OfferChoice,
        }
        for name, kind in choices.items():
            value = getattr(self, name)
            if value not in get_args(kind):
                allowed = ", ".join(get_args(kind))
                raise InputError(f"EUMOptions.{name} must be one of {allowed}; got {value!r}")
        for name in ("q", "t"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InputError(f"EUMOptions.{name} must be in [0, 1]; got {value!r}")


@dataclass(frozen=True, eq=False)
class EUMRun:
    """The trajectory of ``m`` EUM replicates.

    Attributes
    ----------
    positions:
        ``(m, rounds_run + 1, n)``: positions after each round, on the input scale; row 0 is the
        input.
    median:
        ``(m, rounds_run + 1)``: capability x salience weighted median position (the weighted
        Condorcet winner among actor positions) after each round.
    mean:
        ``(m, rounds_run + 1)``: capability x salience weighted mean position.
    risk:
        ``(m, rounds_run, n)``: risk exponents ``r_i`` in ``[0.5, 2]`` used in each round.
    rounds_run:
        Rounds stored: ``rounds``, or fewer when ``tol`` was given and every replicate converged.
    converged:
        ``(m,)``: whether each replicate met the tolerance (always ``False`` without ``tol``).
        A converged replicate repeats its last positions and risk exponents.
    options:
        The model variant that produced the run.
    """

    positions: FloatArray
    median: FloatArray
    mean: FloatArray
    risk: FloatArray
    rounds_run: int
    converged: NDArray[np.bool_]
    options: EUMOptions = field(default_factory=EUMOptions)

    @property
    def forecast(self) -> FloatArray:
        """``(m,)``: the weighted median after the last round (the model's forecast)."""
        return self.median[:, -1]

    @property
    def replicates(self) -> int:
        """Number of replicates ``m``."""
        return int(self.positions.shape[0])


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class _Batch:
    """Validated inputs: weights ``w = c s``, saliences, positions, scale width, all ``(m, n)``."""

    weight: FloatArray
    salience: FloatArray
    position: FloatArray
    width: FloatArray  # (m, 1, 1): the scale range Δ


def _as_batch(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    bounds: tuple[float, float] | None,
) -> _Batch:
    """Broadcast the inputs to ``(m, n)`` and check their ranges."""
    cap, pos, sal = (np.asarray(a, dtype=np.float64) for a in (capability, position, salience))
    if max(a.ndim for a in (cap, pos, sal)) > 2:
        raise InputError("capability, position and salience must have shape (n,) or (m, n)")
    try:
        cap, pos, sal = np.broadcast_arrays(
            np.atleast_2d(cap), np.atleast_2d(pos), np.atleast_2d(sal)
        )
    except ValueError as exc:
        raise InputError(f"capability, position and salience do not broadcast: {exc}") from None
    problems = _range_problems(cap, pos, sal)
    if problems:
        raise InputError(Problem(None, None, None, p) for p in problems)
    weight = cap * sal
    if np.any(weight.sum(axis=1) <= 0):
        raise InputError("no actor has both capability and salience above 0")
    return _Batch(
        weight=np.ascontiguousarray(weight),
        salience=np.ascontiguousarray(sal),
        position=np.array(pos),
        width=_scale_width(pos, bounds),
    )


def _range_problems(cap: FloatArray, pos: FloatArray, sal: FloatArray) -> list[str]:
    problems = []
    if cap.shape[1] < 2:
        problems.append(f"the EUM needs at least 2 actors; got {cap.shape[1]}")
    for name, arr in (("capability", cap), ("position", pos), ("salience", sal)):
        if not np.all(np.isfinite(arr)):
            problems.append(f"{name} has non-finite values")
    if np.any(cap < 0):
        problems.append("capability must be >= 0")
    if np.any((sal < 0) | (sal > 1)):
        problems.append("salience must be in [0, 1]")
    return problems


def _scale_width(pos: FloatArray, bounds: tuple[float, float] | None) -> FloatArray:
    """Δ per replicate: the scale's range, else the range of the initial positions (jmckib)."""
    if bounds is not None:
        lo, hi = float(bounds[0]), float(bounds[1])
        if not hi > lo:
            raise InputError(f"bounds must satisfy lower < upper; got {bounds!r}")
        if np.any(pos < lo) or np.any(pos > hi):
            raise InputError(f"positions must lie inside bounds {lo:g}..{hi:g}")
        width = np.full(pos.shape[0], hi - lo)
    else:
        width = pos.max(axis=1) - pos.min(axis=1)
        # All actors agree: nothing can move; any positive width keeps the algebra finite.
        width = np.where(width > 0, width, 1.0)
    return width[:, None, None]


# --------------------------------------------------------------------------------------------
# Summaries


def weighted_median(position: ArrayLike, weight: ArrayLike) -> FloatArray:
    """Weighted median of ``position`` along the last axis (the 1-D weighted Condorcet winner).

    The lowest position at which the cumulative weight reaches half the total. In one dimension
    this is the position that beats every other in pairwise ``c s``-weighted votes (Scholz et al.
    2011, step 1); at an exact tie the lower of the two tied positions is returned.
    """
    x = np.asarray(position, dtype=np.float64)
    w = np.broadcast_to(np.asarray(weight, dtype=np.float64), x.shape)
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    half = 0.5 * cum[..., -1:]
    # A relative slack so that an exact tie is not lost to the rounding of the running sum.
    first = np.argmax(cum >= half * (1.0 - 1e-12), axis=-1)
    return np.take_along_axis(xs, first[..., None], axis=-1)[..., 0]


def weighted_mean(position: ArrayLike, weight: ArrayLike) -> FloatArray:
    """``sum w x / sum w`` along the last axis (reported by Scholz et al.; unused by the model)."""
    x = np.asarray(position, dtype=np.float64)
    w = np.broadcast_to(np.asarray(weight, dtype=np.float64), x.shape)
    return np.asarray((w * x).sum(axis=-1) / w.sum(axis=-1), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# One round's algebra, on a block of replicates. Shapes: (m, n) per actor, (m, n, n) per pair.


def _distance(x: FloatArray, width: FloatArray, scratch: Scratch | None = None) -> FloatArray:
    """``d[m, i, j] = |x_i - x_j| / Δ``."""
    m, n = x.shape
    out = (scratch or Scratch()).get("dist", (m, n, n))
    np.subtract(x[:, :, None], x[:, None, :], out=out)
    np.abs(out, out=out)
    return np.divide(out, width, out=out)


def _vote_spread(
    dist_r: FloatArray, weight: FloatArray, max_bytes: int, scratch: Scratch | None = None
) -> FloatArray:
    """``A[m, i, j] = sum_k w_k |e_kj - e_ki|`` with ``e = d^r``, in blocks of voters.

    Large calls (``m n^3`` past :data:`detente.forecast.kernels.AUTO_WORK`) run the compiled loop
    instead, which needs no voter-by-pair block at all (same sums within 1e-12).
    """
    m, n, _ = dist_r.shape
    scratch = scratch or Scratch()
    spread = scratch.get("spread", (m, n, n))
    if use_compiled(m * n**3):
        kernel = compiled_kernel("eum_vote_spread_into", m * n**3)
        kernel(np.ascontiguousarray(dist_r), np.ascontiguousarray(weight), spread)
        return spread
    weighted = scratch.get("weighted", (m, n, n))
    np.multiply(dist_r, weight[:, :, None], out=weighted)  # w >= 0: w|e_j - e_i| = |w e_j - w e_i|
    spread[...] = 0.0
    block = max(1, max_bytes // 2 // (8 * m * n * n))  # the other half: the round's pair arrays
    for k0 in range(0, n, block):
        part = weighted[:, k0 : k0 + block, :]
        k = part.shape[1]
        diff = scratch.get("voter_pairs", (m, k, n, n))
        np.subtract(part[:, :, None, :], part[:, :, :, None], out=diff)
        np.abs(diff, out=diff)
        spread += diff.sum(axis=1)
    return spread


def _win_probability(
    dist: FloatArray,
    weight: FloatArray,
    risk: FloatArray | None,
    opts: EUMOptions,
    max_bytes: int,
    scratch: Scratch | None = None,
) -> FloatArray:
    """``P[m, i, j]``: probability that ``i`` beats ``j`` in a contest (Scholz et al. eq. 2).

    With ``e_ka = d_ka^r_k`` the positive votes for ``i`` are
    ``sum_k w_k max(0, e_kj - e_ki) = (s_j - s_i + A_ij) / 2``, where ``s_a = sum_k w_k e_ka`` and
    ``A`` is the pairwise spread: no voter-by-pair tensor beyond the blocked spread is needed.
    ``risk=None`` means every ``r = 1``.
    """
    m, n, _ = dist.shape
    scratch = scratch or Scratch()
    neutral = risk is None or opts.vote_risk == "neutral"
    e = dist
    if not neutral:
        e = np.power(dist, risk[:, :, None], out=scratch.get("dist_r", (m, n, n)))  # type: ignore[index]
    spread = _vote_spread(e, weight, max_bytes, scratch)
    support = np.einsum("mk,mka->ma", weight, e)
    net = np.subtract(support[:, None, :], support[:, :, None], out=scratch.get("net", (m, n, n)))
    prob = scratch.get("prob", (m, n, n))  # s_j - s_i above; each step below overwrites in place
    with np.errstate(divide="ignore", invalid="ignore"):
        if opts.probability == "net":  # Masad 2014
            np.maximum(net, 0.0, out=prob)
        else:
            np.add(net, spread, out=prob)
            np.multiply(0.5, prob, out=prob)
            np.maximum(prob, 0.0, out=prob)
        if opts.probability == "scholz_code":
            total = spread.sum(axis=(1, 2), keepdims=True)
            np.divide(prob, total, out=prob)
            np.copyto(prob, 0.0, where=~(total > 0))
            return prob
        np.divide(prob, spread, out=prob)
        np.minimum(prob, 1.0, out=prob)
        no_votes = scratch.mask("no_votes", (m, n, n))
        np.greater(spread, 0, out=no_votes)
        np.logical_not(no_votes, out=no_votes)
        np.copyto(prob, 0.5, where=no_votes)
        return prob


def _utilities(
    dist: FloatArray, r: FloatArray | None, scratch: Scratch | None = None
) -> tuple[FloatArray, FloatArray]:
    """``(U^s, U^s - U^f)``: success ``2 - 4 (1/2 - d/2)^r``, failure ``2 - 4 (1/2 + d/2)^r``."""
    m, n, _ = dist.shape
    scratch = scratch or Scratch()
    u_win, u_gap = scratch.get("u_win", (m, n, n)), scratch.get("u_gap", (m, n, n))
    if r is None:  # r = 1: U^s = 2d, U^f = -2d; no pow needed
        return np.multiply(2.0, dist, out=u_win), np.multiply(4.0, dist, out=u_gap)
    up, down = u_gap, u_win  # (1/2 + d/2)^r, (1/2 - d/2)^r, then turned into the utilities
    np.multiply(0.5, dist, out=up)
    np.add(0.5, up, out=up)
    np.power(up, r, out=up)
    np.multiply(0.5, dist, out=down)
    np.subtract(0.5, down, out=down)
    np.power(down, r, out=down)
    np.subtract(up, down, out=u_gap)
    np.multiply(4.0, u_gap, out=u_gap)
    np.multiply(4.0, down, out=u_win)
    np.subtract(2.0, u_win, out=u_win)
    return u_win, u_gap


def _status_quo_term(
    x: FloatArray,
    dist: FloatArray,
    weight: FloatArray,
    r: FloatArray | None,
    opts: EUMOptions,
    *,
    width: FloatArray,
    challenger_axis: int = 1,
) -> FloatArray:
    """``Q U^sq + (1 - Q)(T U^b + (1 - T) U^w)`` for each pair, seen with exponent ``r``.

    The challenger is the row actor (``challenger_axis=1``) or the column actor (``2``); its
    distance to the median ``mu`` enters ``U^b`` and ``U^w``. ``r=None`` means ``r = 1``.
    """
    exponent = 1.0 if r is None else r
    u_sq = 2.0 - 4.0 * 0.5**exponent
    if opts.q == 1.0:
        return np.asarray(u_sq, dtype=np.float64)
    mu = weighted_median(x, weight)[:, None]
    off_median = np.expand_dims(np.abs(x - mu), axis=3 - challenger_axis)
    gap = 0.25 * (off_median / width + dist)
    u_better = 2.0 - 4.0 * (0.5 - gap) ** exponent
    u_worse = 2.0 - 4.0 * (0.5 + gap) ** exponent
    change = opts.t * u_better + (1.0 - opts.t) * u_worse
    return np.asarray(opts.q * u_sq + (1.0 - opts.q) * change, dtype=np.float64)


def _challenge_values(
    batch: _Batch,
    x: FloatArray,
    risk: FloatArray | None,
    opts: EUMOptions,
    max_bytes: int,
    *,
    width: FloatArray,
    scratch: Scratch | None = None,
) -> tuple[FloatArray, FloatArray]:
    """``(a, b)``: ``a[m,i,j] = E^i(U_ij)``, ``b[m,i,j] = E^i(U_ji)`` (Scholz et al. eq. 4).

    ``E(U_ij) = s_j [P_ij U^s + (1 - P_ij) U^f] + (1 - s_j) U^s - SQ
    = U^s - s_j (1 - P_ij)(U^s - U^f) - SQ``: ``j`` resists with probability ``s_j`` (its
    salience: the paper's printed ``s_i`` in ``E^j(U_ji)`` is a typo); an unresisted challenge
    succeeds. ``risk=None`` means every ``r = 1``.
    """
    m, n = x.shape
    scratch = scratch or Scratch()
    dist = _distance(x, width, scratch)
    prob = _win_probability(dist, batch.weight, risk, opts, max_bytes, scratch)
    # Row actor's exponent: i's view of both contests ("receiver"); U^s, U^f depend on |x_i - x_j|.
    r_row = None if risk is None else risk[:, :, None]
    u_win, u_gap = _utilities(dist, r_row, scratch)
    sq_a = _status_quo_term(x, dist, batch.weight, r_row, opts, width=width)
    # a = U^s - s_j (1 - P_ij)(U^s - U^f) - SQ, evaluated left to right as written
    a = np.subtract(1.0, prob, out=scratch.get("a", (m, n, n)))
    np.multiply(batch.salience[:, None, :], a, out=a)
    np.multiply(a, u_gap, out=a)
    np.subtract(u_win, a, out=a)
    np.subtract(a, sq_a, out=a)
    # b[i, j] is j challenging i: the transposed contest, resisted with i's salience.
    b = np.subtract(1.0, prob.transpose(0, 2, 1), out=scratch.get("b", (m, n, n)))
    np.multiply(batch.salience[:, :, None], b, out=b)  # the resistance
    if opts.risk_perspective == "receiver" or risk is None:
        sq_b = _status_quo_term(x, dist, batch.weight, r_row, opts, width=width, challenger_axis=2)
        np.multiply(b, u_gap, out=b)
        np.subtract(u_win, b, out=b)
    else:  # "own": j's exponent, i.e. the transpose of the row-exponent utilities
        sq_b = np.broadcast_to(sq_a, a.shape).transpose(0, 2, 1)
        np.multiply(b, u_gap.transpose(0, 2, 1), out=b)
        np.subtract(u_win.transpose(0, 2, 1), b, out=b)
    np.subtract(b, sq_b, out=b)
    return a, b


def _risk_from_danger(danger: FloatArray) -> FloatArray:
    """``r_i = (1 - R_i/3) / (1 + R_i/3)`` with ``R_i`` the danger rescaled to ``[-1, 1]``."""
    hi = danger.max(axis=1, keepdims=True)
    lo = danger.min(axis=1, keepdims=True)
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(span > 0, (2.0 * danger - hi - lo) / span, 0.0)
    return np.asarray((1.0 - rel / 3.0) / (1.0 + rel / 3.0), dtype=np.float64)


def _round_risk(
    batch: _Batch,
    x: FloatArray,
    opts: EUMOptions,
    max_bytes: int,
    width: FloatArray,
    scratch: Scratch | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Risk exponents and dangers ``S_i = sum_{j != i} E^i(U_ji)`` computed with all ``r = 1``."""
    _, b = _challenge_values(batch, x, None, opts, max_bytes, width=width, scratch=scratch)
    n = x.shape[1]
    np.multiply(b, 1.0 - np.eye(n), out=b)  # leave out "i challenges itself" (non-zero if Q < 1)
    danger = b.sum(axis=2)
    return _risk_from_danger(danger), danger


def _offers(
    a: FloatArray, b: FloatArray, x: FloatArray, opts: EUMOptions
) -> tuple[BoolArray, BoolArray, BoolArray, FloatArray]:
    """Masks of conflict, compromise and capitulation offers from ``j`` to ``i``, and targets.

    Returns ``(conflict, compromise, capitulation, compromise_position)``; the first three are
    boolean ``(m, n, n)`` arrays.
    """
    xi, xj = x[:, :, None], x[:, None, :]
    differ = xi != xj
    gains = (b > 0.0) & (a < 0.0) & differ
    conflict = (b > a) & (a > 0.0) & differ
    compromise = gains & (b > np.abs(a))
    if opts.capitulation == "as_published":
        capitulation = gains & (b < np.abs(a))
    else:  # the replicated code compares b with |b|: never true
        capitulation = np.zeros_like(gains)
    with np.errstate(divide="ignore", invalid="ignore"):
        towards = xi + (xj - xi) * np.abs(a / b)
    return conflict, compromise, capitulation, towards


def _pick(mask: BoolArray, key: FloatArray) -> tuple[BoolArray, NDArray[np.intp]]:
    """Per row, whether any offer qualifies, and the first qualifying ``j`` with the least key."""
    keyed = np.where(mask, key, np.inf)
    return np.asarray(mask.any(axis=2)), np.argmin(keyed, axis=2)


def _choose(a: FloatArray, b: FloatArray, x: FloatArray, opts: EUMOptions) -> FloatArray:
    """Every actor's new position after taking its best offer (all move at once).

    Rounds past :data:`detente.forecast.kernels.AUTO_WORK` run the compiled loop
    (``_compiled.eum_choose``): the same offers, keys and choice, one ``(i, j)`` element at a
    time with no ``(m, n, n)`` masks or targets, and the same bits.
    """
    m, n = x.shape
    if use_compiled(m * n**3):
        from detente.forecast._compiled import OFFER_CODES

        kernel = compiled_kernel("eum_choose", m * n**3)
        return np.asarray(
            kernel(
                np.ascontiguousarray(a),
                np.ascontiguousarray(b),
                np.ascontiguousarray(x),
                OFFER_CODES[opts.offer_choice],
                opts.capitulation == "as_published",
            ),
            dtype=np.float64,
        )
    conflict, compromise, capitulation, towards = _offers(a, b, x, opts)
    xj = np.broadcast_to(x[:, None, :], a.shape)
    target = np.where(compromise, towards, xj)
    move = np.abs(target - x[:, :, None])
    if opts.offer_choice == "largest_eu":
        chosen = _choose_largest_gain(conflict | compromise | capitulation, b, move)
        has, idx = chosen
        new = np.take_along_axis(target, idx[:, :, None], axis=2)[:, :, 0]
        return np.where(has, new, x)
    if opts.offer_choice == "scholz_code":
        with np.errstate(divide="ignore", invalid="ignore"):
            abs_a, abs_b = np.abs(a), np.abs(b)
            comp_key = (abs_a * x[:, :, None] + abs_b * xj) / (abs_a + abs_b)
    else:
        comp_key = move
    new = x.copy()
    # Lowest priority first, so that a conflict overrides a compromise overrides a capitulation.
    for mask, key in ((capitulation, move), (compromise, comp_key), (conflict, move)):
        has, idx = _pick(mask, key)
        picked = np.take_along_axis(target, idx[:, :, None], axis=2)[:, :, 0]
        new = np.where(has, picked, new)
    return new


def _choose_largest_gain(
    offered: BoolArray, b: FloatArray, move: FloatArray
) -> tuple[BoolArray, NDArray[np.intp]]:
    """Masad 2014's rule: the offer whose sender gains most; exact ties to the least movement."""
    gain = np.where(offered, b, -np.inf)
    best = gain.max(axis=2, keepdims=True)
    return _pick(offered & (gain == best), move)


# --------------------------------------------------------------------------------------------
# Public functions


def risk_exponents(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    *,
    bounds: tuple[float, float] | None = None,
    options: EUMOptions = EUMOptions(),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[FloatArray, FloatArray]:
    """Risk exponents ``r`` (in ``[0.5, 2]``) and dangers ``S`` for one state, each ``(m, n)``.

    Scholz et al. (2011), steps 2-6: with every ``r = 1``, ``S_i = sum_{j != i} E(U_ji)``; then
    ``R_i = (2 S_i - max S - min S) / (max S - min S)`` and ``r_i = (1 - R_i/3) / (1 + R_i/3)``.
    """
    batch = _as_batch(capability, position, salience, bounds)
    return _round_risk(batch, batch.position, options, max_bytes, batch.width)


def expected_utilities(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    *,
    risk: ArrayLike | None = None,
    bounds: tuple[float, float] | None = None,
    options: EUMOptions = EUMOptions(),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[FloatArray, FloatArray]:
    """``(a, b)``, each ``(m, n, n)``: ``a[.., i, j] = E^i(U_ij)``, ``b[.., i, j] = E^i(U_ji)``.

    Actor ``i``'s expected utility of challenging ``j``, and of ``j`` challenging ``i``, as ``i``
    weighs an offer from ``j``: the axes of Bueno de Mesquita's quadrant charts. ``risk`` defaults
    to the round's risk exponents (:func:`risk_exponents`).
    """
    batch = _as_batch(capability, position, salience, bounds)
    if risk is None:
        r, _ = _round_risk(batch, batch.position, options, max_bytes, batch.width)
    else:
        r = np.broadcast_to(np.asarray(risk, dtype=np.float64), batch.position.shape)
    return _challenge_values(batch, batch.position, r, options, max_bytes, width=batch.width)


def offer_types(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    *,
    bounds: tuple[float, float] | None = None,
    options: EUMOptions = EUMOptions(),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[dict[str, BoolArray], FloatArray, FloatArray, FloatArray]:
    """The offers of one round: which ``j`` offers ``i`` a conflict, compromise or capitulation.

    Returns ``(masks, a, b, target)``: ``masks`` maps ``"conflict"``, ``"compromise"`` and
    ``"capitulation"`` to boolean ``(m, n, n)`` arrays (``[.., i, j]``: ``j``'s offer to ``i``),
    ``a``, ``b`` are :func:`expected_utilities` with the round's risk exponents, and ``target`` the
    position ``i`` is asked to take. These are the offers :func:`simulate` chooses among.
    """
    batch = _as_batch(capability, position, salience, bounds)
    r, _ = _round_risk(batch, batch.position, options, max_bytes, batch.width)
    a, b = _challenge_values(batch, batch.position, r, options, max_bytes, width=batch.width)
    conflict, compromise, capitulation, towards = _offers(a, b, batch.position, options)
    xj = np.broadcast_to(batch.position[:, None, :], a.shape)
    target = np.where(compromise, towards, xj)
    masks = {"conflict": conflict, "compromise": compromise, "capitulation": capitulation}
    return masks, a, b, np.asarray(target, dtype=np.float64)


def _block_size(m: int, n: int, max_bytes: int) -> int:
    """Replicates per block: the round's ``(m, n, n)`` temporaries fit the budget and the cache."""
    per_replicate = _PAIR_ARRAYS * 8 * n * n
    return max(1, min(m, min(max_bytes // 2, _CACHE_BYTES) // per_replicate))


def simulate(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    *,
    rounds: int = 10,
    options: EUMOptions = EUMOptions(),
    tol: float | None = None,
    bounds: tuple[float, float] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> EUMRun:
    """Run the EUM for ``rounds`` rounds on ``m`` replicates at once.

    Parameters
    ----------
    capability:
        ``(n,)`` or ``(m, n)``, ``>= 0``; any unit (only ratios matter).
    position:
        ``(n,)`` or ``(m, n)`` on any numeric scale.
    salience:
        ``(n,)`` or ``(m, n)`` in ``[0, 1]``.
    rounds:
        Number of rounds (Scholz et al. report 10); with ``tol`` the maximum number.
    options:
        The model variant; the default reproduces Scholz et al.'s published trajectory.
    tol:
        Optional convergence rule: a replicate stops when no actor moved by ``tol`` or more (in
        scale units) in a round, and repeats its state afterwards; the run ends once every
        replicate has stopped.
    bounds:
        ``(lo, hi)`` of the scale, which sets the distance unit ``Δ = hi - lo``; by default
        the range of each replicate's initial positions (as Scholz's code does).
    max_bytes:
        Memory budget for one block of temporaries (replicates and voters are chunked to fit).

    Returns
    -------
    EUMRun
        Positions, weighted median and mean per round, risk exponents per round.
    """
    if rounds < 0:
        raise InputError(f"rounds must be >= 0; got {rounds}")
    if tol is not None and not tol >= 0:
        raise InputError(f"tol must be >= 0; got {tol!r}")
    batch = _as_batch(capability, position, salience, bounds)
    m, n = batch.position.shape
    positions = np.empty((m, rounds + 1, n))
    risk = np.empty((m, rounds, n))
    median = np.empty((m, rounds + 1))
    mean = np.empty((m, rounds + 1))
    stopped = np.full(m, rounds, dtype=np.int64)
    converged = np.zeros(m, dtype=bool)
    step = _block_size(m, n, max_bytes)
    scratch = Scratch()  # every block's rounds reuse the same buffers
    for start in range(0, m, step):
        part = slice(start, min(m, start + step))
        block = _Batch(
            batch.weight[part], batch.salience[part], batch.position[part], batch.width[part]
        )
        _run_block(
            block,
            rounds,
            options,
            tol,
            max_bytes,
            out=(positions[part], risk[part]),
            scratch=scratch,
        )
        stopped[part], converged[part] = _stops(positions[part], rounds, tol)
        # the summaries round by round: their sorts and running sums are per replicate and
        # round (the same floats), and their temporaries stay (block, n)-sized, small enough
        # for malloc to reuse freed memory rather than map fresh pages (detente.forecast._scratch)
        for t in range(rounds + 1):
            median[part, t] = weighted_median(positions[part, t], block.weight)
            mean[part, t] = weighted_mean(positions[part, t], block.weight)
    ran = int(stopped.max()) if tol is not None and m > 0 else rounds
    return EUMRun(
        positions=positions[:, : ran + 1],
        median=median[:, : ran + 1],
        mean=mean[:, : ran + 1],
        risk=risk[:, :ran],
        rounds_run=ran,
        converged=converged,
        options=options,
    )


def _run_block(
    batch: _Batch,
    rounds: int,
    opts: EUMOptions,
    tol: float | None,
    max_bytes: int,
    *,
    out: tuple[FloatArray, FloatArray],
    scratch: Scratch | None = None,
) -> None:
    """Play ``rounds`` rounds on one block of replicates, writing into ``out``'s views."""
    positions, risk = out
    x = batch.position
    positions[:, 0] = x
    active = np.ones(x.shape[0], dtype=bool)
    scratch = scratch or Scratch()
    for t in range(rounds):
        r, _ = _round_risk(batch, x, opts, max_bytes, batch.width, scratch)
        a, b = _challenge_values(batch, x, r, opts, max_bytes, width=batch.width, scratch=scratch)
        new = _choose(a, b, x, opts)
        if tol is not None:
            # A replicate that has converged repeats its state and its last exponents.
            new = np.where(active[:, None], new, x)
            r = np.where(active[:, None], r, risk[:, t - 1] if t else r)
            active &= np.abs(new - x).max(axis=1) >= tol
        positions[:, t + 1] = new
        risk[:, t] = r
        x = new
        if tol is not None and not active.any():
            positions[:, t + 2 :] = x[:, None, :]
            risk[:, t + 1 :] = r[:, None, :]
            break


def _stops(
    positions: FloatArray, rounds: int, tol: float | None
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Round at which each replicate stopped, and whether it converged."""
    m = positions.shape[0]
    if tol is None or rounds == 0:
        return np.full(m, rounds, dtype=np.int64), np.zeros(m, dtype=bool)
    moved = np.abs(np.diff(positions, axis=1)).max(axis=2) >= tol  # (m, rounds)
    converged = ~moved.all(axis=1)
    first_still = np.argmin(moved, axis=1) + 1  # first round whose moves were all below tol
    return np.where(converged, first_still, rounds), converged


class EUM:
    """Thin facade: the EUM on one dimension of a :class:`~detente.forecast.table.StakeholderTable`.

    >>> from detente.forecast.question import load_question
    >>> run = EUM(load_question("nato-csto-2009").table).run(10)
    >>> run.positions.shape[1], round(float(run.forecast[0]), 2)
    (11, 5.0)
    """

    def __init__(
        self, table: StakeholderTable, options: EUMOptions = EUMOptions(), *, dimension: int = 0
    ) -> None:
        self.table = table
        self.options = options
        self.dimension = dimension

    def run(self, rounds: int = 10, *, tol: float | None = None) -> EUMRun:
        """Simulate ``rounds`` rounds on the table's scale (its ``bounds`` set ``Δ``)."""
        i = self.dimension
        lo, hi = (float(v) for v in self.table.bounds[i])
        return simulate(
            self.table.capability,
            self.table.position[:, i],
            self.table.salience[:, i],
            rounds=rounds,
            options=self.options,
            tol=tol,
            bounds=(lo, hi),
        )
