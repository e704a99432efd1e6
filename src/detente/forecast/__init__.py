"""Forecasting contested decisions with bargaining models over stakeholder tables.

* :mod:`~detente.forecast.table` — stakeholder tables (actor, capability, position, salience) read
  from plain CSV, KTAB's CSV or YAML;
* :mod:`~detente.forecast.eum` — the expected-utility model (Bueno de Mesquita; Scholz, Calbert &
  Smith 2011);
* :mod:`~detente.forecast.smp` — KTAB's spatial model of politics;
* :mod:`~detente.forecast.engine` — one adapter over both models;
* :mod:`~detente.forecast.montecarlo`, :mod:`~detente.forecast.sensitivity` — uncertainty and
  which actors drive the forecast;
* :mod:`~detente.forecast.question` — the built-in forecasting questions.

>>> from detente.forecast import load_question, run_monte_carlo
>>> from detente.rng import as_generator
>>> q = load_question("nato-csto-2009")
>>> result = run_monte_carlo(q.table, "eum", runs=200, rng=as_generator(1))
>>> result.forecast.shape
(1,)
"""

from detente.forecast.engine import MODELS, Trajectory, run_model
from detente.forecast.montecarlo import MonteCarloResult, Perturbation, run_monte_carlo
from detente.forecast.question import ForecastQuestion, builtin_questions, load_question
from detente.forecast.sensitivity import SensitivityResult, analyse_sensitivity
from detente.forecast.table import StakeholderTable, read_table, table_from_mapping

__all__ = [
    "MODELS",
    "ForecastQuestion",
    "MonteCarloResult",
    "Perturbation",
    "SensitivityResult",
    "StakeholderTable",
    "Trajectory",
    "analyse_sensitivity",
    "builtin_questions",
    "load_question",
    "read_table",
    "run_model",
    "run_monte_carlo",
    "table_from_mapping",
]

# `detente.world(...)` / `detente.forecast(...)`: the notebook API functions (see detente._callable)
from detente._callable import make_callable

make_callable(__name__)
