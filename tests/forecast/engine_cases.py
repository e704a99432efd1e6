"""Fixed engine runs whose bits are pinned by ``data/engine_digests.json``.

Each case runs one batch path of an engine (the EUM and SMP batch simulations, small enough to
take well under a second, with blocks forced small so that block edges are crossed, and the Monte
Carlo through both engines) on inputs drawn with ``Generator.random`` and ``integers`` only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from tests.forecast.examples import EU

from detente.forecast import eum, smp
from detente.forecast.montecarlo import run_monte_carlo

Arrays = dict[str, np.ndarray]

#: A budget that makes ``eum.simulate`` run blocks of 5 replicates at 7 actors.
SMALL_BLOCKS = 2 * 5 * 24 * 8 * 7 * 7


def _eum_inputs(seed: int, m: int = 37, n: int = 7) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    cap = 0.5 + 99.5 * rng.random((m, n))
    pos = 10.0 * rng.integers(0, 11, (m, n))  # ties on purpose
    sal = 0.1 + 0.9 * rng.random((m, n))
    return cap, pos.astype(np.float64), sal


def _eum(
    options: eum.EUMOptions, *, max_bytes: int = SMALL_BLOCKS, tol: float | None = None
) -> Callable[[], Arrays]:
    def run() -> Arrays:
        cap, pos, sal = _eum_inputs(11)
        out = eum.simulate(
            cap,
            pos,
            sal,
            rounds=6,
            options=options,
            tol=tol,
            bounds=(0.0, 100.0),
            max_bytes=max_bytes,
        )
        return {
            "positions": out.positions,
            "median": out.median,
            "mean": out.mean,
            "risk": out.risk,
            "converged": out.converged,
        }

    return run


def _smp(params: smp.SMPParams, *, seed: int = 5) -> Callable[[], Arrays]:
    def run() -> Arrays:
        rng = np.random.default_rng(seed)
        m, n, d = 4, 9, 2
        cap = 1.0 + 99.0 * rng.random((m, n))
        pos = rng.random((m, n, d))
        sal = 0.05 + 0.95 * rng.random((m, n, d))
        sal *= (0.5 + 0.49 * rng.random((m, n, 1))) / sal.sum(axis=-1, keepdims=True)
        out = smp.simulate(cap, pos, sal, params=params, max_turns=15, rng=np.random.default_rng(1))
        return {
            "positions": out.positions,
            "turns": out.turns,
            "outcome": out.outcome,
            "probability": out.probability,
        }

    return run


def _monte_carlo(model: str, runs: int) -> Callable[[], Arrays]:
    def run() -> Arrays:
        out = run_monte_carlo(
            EU,
            model,
            runs,
            rng=np.random.default_rng(3),
            task_blocks=1,  # type: ignore[arg-type]
        )
        assert out.inputs is not None
        return {
            "trajectories": out.trajectories,
            "turns": out.turns,
            "kept": out.kept,
            "capability": out.inputs.capability,
            "position": out.inputs.position,
            "salience": out.inputs.salience,
        }

    return run


CASES: dict[str, Callable[[], Arrays]] = {
    "eum/default": _eum(eum.EUMOptions()),
    "eum/one-block": _eum(eum.EUMOptions(), max_bytes=eum.DEFAULT_MAX_BYTES),
    "eum/paper": _eum(eum.EUMOptions(probability="paper")),
    "eum/net-own": _eum(eum.EUMOptions(probability="net", risk_perspective="own")),
    "eum/neutral-least-move": _eum(
        eum.EUMOptions(vote_risk="neutral", offer_choice="least_move", capitulation="as_published")
    ),
    "eum/largest-eu": _eum(eum.EUMOptions(offer_choice="largest_eu", capitulation="as_published")),
    "eum/q-t": _eum(eum.EUMOptions(q=0.7, t=0.4)),
    "eum/q-t-own": _eum(eum.EUMOptions(q=0.6, t=0.8, risk_perspective="own", probability="paper")),
    "eum/tol": _eum(eum.EUMOptions(), tol=0.5),
    "smp/default": _smp(smp.SMPParams()),
    "smp/cubic-nocommit": _smp(smp.SMPParams(voting_rule="Cubic", third_party_commit="NoCommit")),
    "smp/stochastic": _smp(smp.SMPParams(state_transitions="Stochastic", voting_rule="PropBin")),
    "mc/eum": _monte_carlo("eum", 300),
    "mc/smp": _monte_carlo("smp", 30),
}


def run_case(name: str) -> Arrays:
    """The arrays of one case."""
    return CASES[name]()
