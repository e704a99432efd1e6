"""A forecast as an experiment: a stakeholder table, a bargaining model, Monte Carlo, sensitivity.

The specification is the subject (a built-in question, a question file, a table file, or an
episode seen through a lens), the model and its options, the perturbation, the number of runs and
the seed; :func:`build_report` runs it on any executor (:mod:`detente.experiments.runner`) and
summarises it as a JSON-ready report. The report carries every actor's position round by round
(or turn by turn) in the unperturbed run, the EUM's offers per round, and Monte Carlo standard
errors. :class:`ForecastResult` wraps report and run for notebooks.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from detente.errors import InputError, Problem, UnknownIdError, match_id
from detente.forecast.engine import Model
from detente.forecast.montecarlo import (
    MonteCarloResult,
    Perturbation,
    median_along_first,
    run_monte_carlo,
)
from detente.forecast.table import StakeholderTable, read_table
from detente.rng import as_generator, spawn_generators

if TYPE_CHECKING:
    import pandas as pd

    from detente.experiments.results import ResultSet
    from detente.experiments.runner import Executor
    from detente.forecast.eum import EUMOptions
    from detente.forecast.question import ForecastQuestion
    from detente.forecast.sensitivity import SensitivityResult
    from detente.forecast.smp import SMPParams

__all__ = [
    "LENS_THRESHOLD",
    "ForecastResult",
    "Subject",
    "build_report",
    "forecast_results",
    "offers_json",
    "position_rows",
    "resolve_subject",
]

SensitivityName = Literal["morris", "sobol", "none"]
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: A lens table runs from the no outcome (0) to the yes outcome (100): P(> 50) is P(yes wins).
LENS_THRESHOLD = 50.0


@dataclass(frozen=True)
class Subject:
    """What is being forecast: a table, the question it comes from (if any), the lens that derived
    it (if any)."""

    table: StakeholderTable
    question: ForecastQuestion | None
    label: str
    lens: str | None = None


def resolve_subject(
    argument: str,
    *,
    world_path: Path | None = None,
    lens: str | None = None,
    settings: Mapping[str, object] | None = None,
) -> Subject:
    """Turn the command's argument into a stakeholder table.

    A built-in question id (``nato-csto-2009``), a question file (YAML with ``date`` and ``scale``)
    or a table file (plain or KTAB CSV, table YAML). Questions are resolved against the world at
    ``world_path`` (default: the built-in world). With ``lens``, the argument is an episode id or
    file instead, and the lens derives the table from the world the day before the episode
    (:func:`detente.lenses.table.forecast_table_for`); ``settings`` override lens parameters.
    """
    if lens is not None:
        from detente.lenses import lens_overrides
        from detente.lenses.table import forecast_table_for
        from detente.world import load_world

        overrides = lens_overrides(settings or {}, lens, [lens])
        table = forecast_table_for(argument, lens, load_world(world_path), overrides)
        return Subject(table, None, f"{argument} ({lens} lens)", lens)
    path = Path(argument)
    if path.exists():
        if path.is_dir():
            raise InputError(f"{argument}: is a folder; expected a table or question file")
        if path.suffix.lower() in (".yaml", ".yml"):  # only YAML can hold a question
            from detente.forecast.question import is_question_file

            if is_question_file(path):
                return Subject(*_question(path, world_path))
        return Subject(read_table(path), None, str(path))
    # the question module (and its YAML and world machinery) only where a question may be meant:
    # a CSV table never loads it
    from detente.forecast.question import builtin_questions

    ident = match_id(argument, builtin_questions())  # ids are matched ignoring case
    if ident is not None:
        return Subject(*_question(ident, world_path))
    if path.suffix.lower() in (".csv", ".yaml", ".yml"):
        raise InputError(f"{argument}: no such file")
    raise UnknownIdError("question or table file", argument, builtin_questions())


def _question(
    ident: str | Path, world_path: Path | None
) -> tuple[StakeholderTable, ForecastQuestion, str]:
    from detente.forecast.question import load_question
    from detente.world import load_world

    question = load_question(ident, load_world(world_path))
    return question.table, question, question.id


# --------------------------------------------------------------------------------------------
# Running


def build_report(
    subject: Subject,
    *,
    model: Model,
    rounds: int | None,
    runs: int,
    seed: int,
    perturbation: Perturbation,
    sensitivity: SensitivityName = "morris",
    level: float = 0.9,
    threshold: float | None = None,
    dim: int = 0,
    options: EUMOptions | SMPParams | None = None,
    executor: Executor | None = None,
    progress: bool | None = False,
    keep_inputs: bool = True,
    sensitivity_samples: int | None = None,
) -> tuple[dict[str, Any], MonteCarloResult]:
    """Run the forecast and summarise it as a JSON-ready dict (and the raw Monte Carlo result).

    Parameters
    ----------
    subject:
        What is forecast (:func:`resolve_subject`).
    model:
        ``"eum"`` or ``"smp"``.
    rounds:
        EUM rounds or SMP turn cap (``None``: the model's default).
    runs:
        Monte Carlo replicates (at least 1).
    seed:
        The seed every generator is spawned from (same seed, same numbers on any executor).
    perturbation:
        The distributions of the perturbed inputs.
    sensitivity:
        ``"morris"``, ``"sobol"`` or ``"none"``.
    level:
        Level of the central interval, in ``(0, 1)``.
    threshold:
        Report ``P(outcome > threshold)`` (default: the question's).
    dim:
        Dimension of the trajectory, positions, offers and sensitivity.
    options:
        The model variant (``EUMOptions`` or ``SMPParams``).
    executor:
        Where the Monte Carlo tasks and the sensitivity analysis's model runs go (default
        serial); one pool or cluster serves both.
    progress:
        Progress bar on stderr (``None``: when stderr is a terminal).
    keep_inputs:
        Keep every replicate's perturbed inputs in the Monte Carlo result.
    sensitivity_samples:
        Morris trajectories ``r`` (default 20) or Sobol base sample ``N`` (default 64).
    """
    table = subject.table
    if not 0 <= dim < table.d:
        raise InputError(f"--dim {dim} is out of range: the table has {table.d} dimension(s)")
    if threshold is not None and not math.isfinite(threshold):
        raise InputError(f"--threshold must be a finite number, got {threshold}")
    if model == "smp":
        _check_smp_capabilities(subject)
    n = sensitivity_samples
    if sensitivity == "sobol" and n is not None and n & (n - 1):
        raise InputError(f"--sensitivity-samples {n}: a Sobol sample must be a power of two")
    mc_rng, sa_rng = spawn_generators(as_generator(seed), 2)
    if threshold is None and subject.question is not None:
        threshold = subject.question.threshold
    sens = None
    # One pool or cluster for the Monte Carlo and the sensitivity analysis.
    with executor if executor is not None else nullcontext():
        result = run_monte_carlo(
            table,
            model,
            runs,
            perturbation,
            rounds,
            mc_rng,
            options=options,
            executor=executor,
            progress=progress,
            keep_inputs=keep_inputs,
        )
        if sensitivity != "none":
            from detente.forecast.sensitivity import analyse_sensitivity

            sens = analyse_sensitivity(
                table,
                model,
                method=sensitivity,
                samples=sensitivity_samples,
                rounds=result.rounds,
                dim=dim,
                rng=sa_rng,
                executor=executor,
            )
    report: dict[str, Any] = {
        "subject": _subject_json(subject),
        "model": model,
        "rounds": result.rounds,
        "runs": runs,
        "seed": seed,
        "options": _options_json(options),
        "perturbation": perturbation.describe(),
        "dimensions": [_dimension_json(result, k, level, threshold) for k in range(table.d)],
        "trajectory": _trajectory_json(result, dim),
        "actors": _actors_json(subject, result, dim),
        "positions": _positions_json(result, dim),
        "offers": offers_json(result, dim) if model == "eum" else None,
        "sensitivity": _sensitivity_json(sens),
    }
    return report, result


def _check_smp_capabilities(subject: Subject) -> None:
    """The SMP needs every capability above 0 (KTAB rejects zero vote weights); name who has 0."""
    source = subject.question.path if subject.question is not None else subject.label
    problems = [
        Problem(str(source), None, f"actor {actor!r}, capability", "the SMP needs a capability > 0")
        for actor, cap in zip(subject.table.actors, subject.table.capability, strict=True)
        if not cap > 0.0
    ]
    if problems:
        raise InputError(problems)


def _subject_json(subject: Subject) -> dict[str, Any]:
    table = subject.table
    out: dict[str, Any] = {"kind": "table", "name": table.name, "source": subject.label}
    if subject.question is not None:
        out = {"kind": "question"} | subject.question.summary()
    out["description"] = table.description
    return out


def _dimension_json(
    result: MonteCarloResult, k: int, level: float, threshold: float | None
) -> dict[str, Any]:
    low, high = result.interval(level)
    quantiles = result.quantiles(list(QUANTILES))
    counts, edges = result.histogram(bins=20, dim=k)
    out: dict[str, Any] = {
        "name": result.table.dimensions[k],
        "bounds": [float(v) for v in result.table.bounds[k]],
        "forecast": float(result.forecast[k]),
        "median": float(median_along_first(result.outcomes[:, k])),
        "mean": float(np.mean(result.outcomes[:, k])),
        "mean_se": float(result.mean_se()[k]),
        "interval": {"level": level, "low": float(low[k]), "high": float(high[k])},
        "quantiles": {f"{q:g}": float(quantiles[i, k]) for i, q in enumerate(QUANTILES)},
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
        "p_exceeds": None,
    }
    if threshold is not None:
        out["p_exceeds"] = {
            "threshold": threshold,
            "probability": result.p_exceeds(threshold, k),
            "se": result.p_exceeds_se(threshold, k),
        }
    return out


def _trajectory_json(result: MonteCarloResult, dim: int) -> dict[str, Any]:
    bands = result.bands(list(QUANTILES))[:, :, dim]  # (q, T+1)
    base = result.base.outcome[0, :, dim]
    rows = []
    for t in range(bands.shape[1]):
        row = {"step": t, "forecast": float(base[min(t, base.size - 1)])}
        row |= {f"q{q:g}": float(bands[i, t]) for i, q in enumerate(QUANTILES)}
        rows.append(row)
    return {
        "step": "round" if result.model == "eum" else "turn",
        "dimension": result.table.dimensions[dim],
        "turns": int(result.base.turns[0]),
        "mean_turns": float(result.turns.mean()),
        "at_cap": int(np.count_nonzero(result.turns >= result.rounds))
        if result.model == "smp"
        else 0,
        "rows": rows,
    }


def _actors_json(subject: Subject, result: MonteCarloResult, dim: int) -> list[dict[str, Any]]:
    table = subject.table
    names = subject.question.names if subject.question else {}
    final = result.base.positions[0, -1, :, dim]
    dropped = result.dropout_rate()
    return [
        {
            "id": actor,
            "name": names.get(actor, actor),
            "capability": float(table.capability[a]),
            "position": float(table.position[a, dim]),
            "salience": float(table.salience[a, dim]),
            "final_position": float(final[a]),
            "dropout_rate": float(dropped[a]),
            "note": table.notes[a],
            "sources": list(table.sources[a]),
        }
        for a, actor in enumerate(table.actors)
    ]


def _sensitivity_json(sens: SensitivityResult | None) -> dict[str, Any] | None:
    if sens is None:
        return None
    return {
        "method": sens.method,
        "evaluations": sens.evaluations,
        "by_actor": [{"actor": a, "influence": v} for a, v in sens.by_actor()],
        "factors": sens.to_records(),
    }


def _options_json(options: EUMOptions | SMPParams | None) -> dict[str, Any] | None:
    from dataclasses import asdict

    return None if options is None else asdict(options)


def position_rows(result: MonteCarloResult, dim: int = 0) -> list[dict[str, Any]]:
    """Every actor's position after each round or turn of the unperturbed run (tidy rows).

    Columns: ``step`` (0 is the coded input), ``actor``, ``dimension``, ``position`` (scale units).
    """
    positions = result.base.positions[0, :, :, dim]  # (T+1, n)
    name = result.table.dimensions[dim]
    return [
        {"step": t, "actor": actor, "dimension": name, "position": float(positions[t, a])}
        for t in range(positions.shape[0])
        for a, actor in enumerate(result.table.actors)
    ]


def _positions_json(result: MonteCarloResult, dim: int) -> dict[str, Any]:
    positions = result.base.positions[0, :, :, dim]
    return {
        "step": "round" if result.model == "eum" else "turn",
        "dimension": result.table.dimensions[dim],
        "by_actor": {
            actor: [float(v) for v in positions[:, a]]
            for a, actor in enumerate(result.table.actors)
        },
    }


def offers_json(result: MonteCarloResult, dim: int = 0) -> list[dict[str, Any]]:
    """The EUM's offers in each round of the unperturbed run on dimension ``dim``.

    One row per offer from ``sender`` to ``receiver`` in round ``round`` (1-based: the offers made
    on the positions after round ``round - 1``): its ``type`` (``conflict``, ``compromise`` or
    ``capitulation``; Bueno de Mesquita's quadrants as coded by Scholz et al. 2011), the
    receiver's expected utilities ``eu_challenge`` (``E^i(U_ij)``) and ``eu_challenged``
    (``E^i(U_ji)``), and the position the receiver is asked to take.
    """
    from detente.forecast import eum

    table = result.table
    opts = result.options if isinstance(result.options, eum.EUMOptions) else eum.EUMOptions()
    positions = result.base.positions[0, :, :, dim]
    bounds = (float(table.bounds[dim, 0]), float(table.bounds[dim, 1]))
    rows: list[dict[str, Any]] = []
    for t in range(positions.shape[0] - 1):
        x = positions[t][None, :]
        kinds, a, b, target = eum.offer_types(
            table.capability, x, table.salience[:, dim], bounds=bounds, options=opts
        )
        for kind, mask in kinds.items():
            for i, j in zip(*np.nonzero(mask[0]), strict=True):
                rows.append(
                    {
                        "round": t + 1,
                        "sender": table.actors[j],
                        "receiver": table.actors[i],
                        "type": kind,
                        "eu_challenge": float(a[0, i, j]),
                        "eu_challenged": float(b[0, i, j]),
                        "target": float(target[0, i, j]),
                    }
                )
    rows.sort(key=lambda r: (r["round"], r["receiver"], r["sender"]))
    return rows


class ForecastResult:
    """A forecast for notebooks: the report (:func:`build_report`) and the Monte Carlo run.

    Attributes
    ----------
    report:
        The JSON-ready report (what ``detente forecast --json`` prints).
    run:
        The :class:`~detente.forecast.montecarlo.MonteCarloResult`.
    subject:
        What was forecast.
    """

    def __init__(self, report: dict[str, Any], run: MonteCarloResult, subject: Subject) -> None:
        self.report = report
        self.run = run
        self.subject = subject

    def _headline(self) -> str:
        dim = self.report["dimensions"][0]
        p = dim["p_exceeds"]
        tail = f", P(> {p['threshold']:g}) = {p['probability']:.3f}" if p else ""
        return (
            f"{self.report['model'].upper()} forecast of {self.subject.label}: "
            f"{dim['forecast']:.2f} (MC median {dim['median']:.2f}, "
            f"{self.report['runs']} runs{tail})"
        )

    def __repr__(self) -> str:
        return f"<ForecastResult {self._headline()}>"

    def _repr_html_(self) -> str:
        import html

        table: str = self.to_frame().to_html(index=False)
        return f"<p><b>ForecastResult</b> {html.escape(self._headline())}</p>" + table

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per dimension: forecast, median, mean with its MC standard error,
        interval, and P(> threshold) with its standard error."""
        import pandas as pd

        rows = []
        for dim in self.report["dimensions"]:
            p = dim["p_exceeds"] or {}
            rows.append(
                {
                    "dimension": dim["name"],
                    "forecast": dim["forecast"],
                    "median": dim["median"],
                    "mean": dim["mean"],
                    "mean_se": dim["mean_se"],
                    "low": dim["interval"]["low"],
                    "high": dim["interval"]["high"],
                    "level": dim["interval"]["level"],
                    "threshold": p.get("threshold"),
                    "p_exceeds": p.get("probability"),
                    "p_exceeds_se": p.get("se"),
                }
            )
        return pd.DataFrame(rows)

    def positions(self, dim: int = 0) -> pd.DataFrame:
        """Every actor's position per round or turn of the unperturbed run (tidy)."""
        import pandas as pd

        return pd.DataFrame(position_rows(self.run, dim))

    def replicates(self) -> pd.DataFrame:
        """One row per replicate: its perturbed inputs and its outcome (see
        :func:`detente.experiments.results.replicate_frames`)."""
        from detente.experiments.results import replicate_frames

        inputs, outcomes = replicate_frames(self.run)
        return inputs.join(outcomes.drop(columns="replicate"))

    def to_json(self) -> str:
        """The report as JSON text."""
        return json.dumps(self.report, indent=2, ensure_ascii=False, default=str, allow_nan=False)

    def plot(self, path: str | Path | None = None, dim: int = 0) -> Any:
        """The trajectory fan chart; written to ``path`` if given, else returned as a Figure."""
        from detente.forecast import plot as fplot

        question = self.subject.question
        p = self.report["dimensions"][dim]["p_exceeds"]
        kwargs: dict[str, Any] = {
            "dim": dim,
            "title": f"{question.title if question else self.subject.table.name}: "
            f"{self.run.model.upper()}",
            "threshold": p["threshold"] if p else None,
            "anchors": {float(k): v for k, v in question.anchors.items()} if question else None,
        }
        if path is not None:
            fplot.plot_forecast(self.run, Path(path), **kwargs)
            return Path(path)
        return fplot.forecast_figure(self.run, **kwargs)


def forecast_results(
    report: dict[str, Any],
    run: MonteCarloResult,
    subject: Subject,
    world_path: str | Path | None = None,
) -> ResultSet:
    """The results set of a forecast: per-replicate inputs and outcomes, positions, summary.

    The manifest records the subject, the world (name and a SHA-256 fingerprint of its files),
    model, options, perturbation, runs, the seed and how generators were spawned from it, and
    the Détente version.
    """
    import pandas as pd

    from detente import __version__
    from detente.experiments.results import ResultSet, fingerprint, replicate_frames
    from detente.forecast.montecarlo import DRAW_BLOCK, TASK_BLOCKS

    experiments, outcomes = replicate_frames(run)
    manifest: dict[str, Any] = {
        "kind": "forecast",
        "inputs": {
            "subject": subject.label,
            "description": report["subject"],
            "table": subject.table.to_frame().to_dict(orient="records"),
            "world": _world_json(subject, world_path, fingerprint),
        },
        "model": report["model"],
        "rounds": report["rounds"],
        "options": report["options"],
        "perturbation": report["perturbation"],
        "runs": report["runs"],
        "seed": report["seed"],
        "seeds": {
            "method": "numpy SeedSequence(seed).spawn: [monte carlo, sensitivity]; the Monte "
            "Carlo generator spawns one child per draw block and one engine generator, which "
            "spawns one child per task",
            "draw_block": DRAW_BLOCK,
            "task_blocks": TASK_BLOCKS,
        },
        "summary": {k: report[k] for k in ("dimensions", "trajectory") if k in report},
        "detente_version": __version__,
    }
    summary = ForecastResult(report, run, subject).to_frame()
    positions = pd.DataFrame(position_rows(run, 0))
    tables = {
        "experiments": experiments,
        "outcomes": outcomes,
        "positions": positions,
        "summary": summary,
    }
    if report.get("offers"):
        tables["offers"] = pd.DataFrame(report["offers"])
    return ResultSet(manifest, tables)


def _world_json(
    subject: Subject, world_path: str | Path | None, fingerprint: Any
) -> dict[str, Any] | None:
    if subject.question is None and subject.lens is None:
        return None  # a table file: no world was read
    from detente.world.loader import builtin_world_path

    path = Path(world_path) if world_path is not None else builtin_world_path()
    return {
        "name": "builtin" if world_path is None else str(world_path),
        "sha256": fingerprint(path),
    }
