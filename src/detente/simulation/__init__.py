"""The security system through time: an agent-based simulation on Mesa.

States and organisations are agents (:mod:`.agents`); one run is a :class:`SecurityModel`
stepping year by year (:mod:`.model`) through a window of the world whose decided events are
taken out (:mod:`.timeline`); each decision goes through the project's decision process
(:mod:`.decider`); counterfactual scenarios are YAML files (:mod:`.scenario`); runs are an
experiment (:mod:`.experiment`) scored against the record (:mod:`.record`).

>>> from detente.simulation import build_setting, simulate  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente._lazy import attach

if TYPE_CHECKING:
    from detente.simulation.experiment import SimulationResult, build_setting, simulate
    from detente.simulation.model import Event, SecurityModel, Setting
    from detente.simulation.record import RecordScore, score_runs
    from detente.simulation.scenario import Scenario, builtin_scenarios, load_scenario
    from detente.simulation.timeline import Timeline

__all__ = [
    "Event",
    "RecordScore",
    "Scenario",
    "SecurityModel",
    "Setting",
    "SimulationResult",
    "Timeline",
    "build_setting",
    "builtin_scenarios",
    "load_scenario",
    "score_runs",
    "simulate",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        ".experiment": ["SimulationResult", "build_setting", "simulate"],
        ".model": ["Event", "SecurityModel", "Setting"],
        ".record": ["RecordScore", "score_runs"],
        ".scenario": ["Scenario", "builtin_scenarios", "load_scenario"],
        ".timeline": ["Timeline"],
    },
)
