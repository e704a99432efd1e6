"""Parameter sweeps: one outcome evaluated over a designed sample of settings, with Sobol indices.

A sweep varies *factors* over stated ranges or levels and evaluates each sample point:

* **lens sweeps** (``--lens L``): factors are ``L.param`` lens parameters (range default: the
  parameter's documented range); each point is an episode's ``P(yes)`` under the decision process
  (:func:`detente.decision.lens_probability`) with the world as known the day before it;
* **model sweeps** (a forecast question or table): factors are ``perturbation.FIELD``
  (:class:`~detente.forecast.montecarlo.Perturbation`), ``eum.OPTION``
  (:class:`~detente.forecast.eum.EUMOptions`) or ``smp.PARAM``
  (:class:`~detente.forecast.smp.SMPParams`), reaching the engines through
  :func:`~detente.forecast.engine.run_model`; each point is a Monte Carlo run of ``runs``
  replicates, summarised by its unperturbed forecast, median and ``P(outcome > threshold)``.

Designs, all from SALib (Herman & Usher 2017): ``full-factorial`` (every combination of
``levels`` evenly spaced values, or of the listed values of a categorical factor), ``latin``
(Latin hypercube, McKay, Beckman & Conover 1979, ``samples`` points) and ``sobol`` (Saltelli's
extension of the Sobol' sequence, ``samples * (k + 2)`` points, analysed into first-order ``S1``
and total ``ST`` indices with 95 % bootstrap half-widths; Saltelli 2002, Saltelli et al. 2010).

Every point is one task with its own generator spawned up front from the seed, so a sweep gives
the same numbers on any executor.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from detente.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from detente.experiments.results import ResultSet
    from detente.experiments.runner import Executor
    from detente.forecast.table import StakeholderTable

__all__ = [
    "DESIGNS",
    "Factor",
    "SweepResult",
    "parse_factor",
    "run_sweep",
]

Design = Literal["full-factorial", "latin", "sobol"]
DESIGNS: tuple[Design, ...] = ("full-factorial", "latin", "sobol")
_GROUPS = ("perturbation", "eum", "smp")


@dataclass(frozen=True)
class Factor:
    """One swept setting: ``name`` over ``[low, high]``, or over the listed ``levels``."""

    name: str
    low: float | None = None
    high: float | None = None
    levels: tuple[Any, ...] | None = None

    @property
    def categorical(self) -> bool:
        """Whether the factor takes listed values (only full-factorial designs allow them)."""
        return self.levels is not None


def _number(text: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            Problem(None, None, "--factor", f"{spec!r}: {text!r} is not a number")
        ) from None
    if not math.isfinite(value):
        raise InputError(Problem(None, None, "--factor", f"{spec!r}: {text!r} is not finite"))
    return value


def parse_factor(spec: str) -> Factor:
    """``NAME``, ``NAME=LOW:HIGH`` or ``NAME=A,B,C`` (listed levels, numbers or words)."""
    name, sep, rest = spec.partition("=")
    name = name.strip()
    if not name:
        raise InputError(Problem(None, None, "--factor", f"{spec!r} names no factor"))
    if not sep:
        return Factor(name)
    if ":" in rest:
        lo_text, _, hi_text = rest.partition(":")
        low, high = _number(lo_text, spec), _number(hi_text, spec)
        if not low < high:
            raise InputError(Problem(None, None, "--factor", f"{spec!r}: expected LOW < HIGH"))
        return Factor(name, low, high)
    values: list[Any] = []
    for item in (v.strip() for v in rest.split(",")):
        if not item:
            raise InputError(Problem(None, None, "--factor", f"{spec!r}: an empty level"))
        try:
            values.append(float(item))
        except ValueError:
            values.append(item)
    return Factor(name, levels=tuple(values))


def _lens_factors(factors: Sequence[Factor], lens: str) -> list[Factor]:
    """Check lens factors against the lens's parameters; fill in documented ranges."""
    import difflib

    from detente.lenses import get_lens
    from detente.lenses.base import param_info

    info = {p.name: p for p in param_info(get_lens(lens).params)}
    out, problems = [], []
    for f in factors:
        prefix, _, param = f.name.rpartition(".")
        if prefix not in ("", lens) or param not in info:
            close = difflib.get_close_matches(param, list(info), n=1)
            hint = f"; did you mean {lens}.{close[0]}?" if close else f" (known: {', '.join(info)})"
            problems.append(
                Problem(None, None, f.name, f"not a parameter of the {lens} lens{hint}")
            )
            continue
        p = info[param]
        if f.levels is None and f.low is None:
            if not (math.isfinite(p.low) and math.isfinite(p.high)):
                problems.append(Problem(None, None, f.name, "give a range: NAME=LOW:HIGH"))
                continue
            f = Factor(f.name, p.low, p.high)
        out.append(dataclasses.replace(f, name=f"{lens}.{param}"))
    if problems:
        raise InputError(problems)
    return out


def _model_fields(model: str) -> dict[str, set[str]]:
    from detente.forecast.eum import EUMOptions
    from detente.forecast.montecarlo import Perturbation
    from detente.forecast.smp import SMPParams

    fields = {"perturbation": {f.name for f in dataclasses.fields(Perturbation)}}
    if model == "eum":
        fields["eum"] = {f.name for f in dataclasses.fields(EUMOptions)}
    else:
        fields["smp"] = {f.name for f in dataclasses.fields(SMPParams)}
    return fields


def _model_factors(factors: Sequence[Factor], model: str) -> list[Factor]:
    import difflib

    fields = _model_fields(model)
    known = [f"{g}.{n}" for g, names in fields.items() for n in sorted(names)]
    problems = []
    for f in factors:
        group, _, name = f.name.partition(".")
        if group not in fields or name not in fields[group]:
            close = difflib.get_close_matches(f.name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else f" (known: {', '.join(known)})"
            problems.append(Problem(None, None, f.name, f"not a {model} sweep factor{hint}"))
        elif f.levels is None and f.low is None:
            problems.append(Problem(None, None, f.name, "give a range LOW:HIGH or levels A,B"))
    if problems:
        raise InputError(problems)
    return list(factors)


def design_points(
    factors: Sequence[Factor], design: Design, samples: int, levels: int, seed: int
) -> list[dict[str, Any]]:
    """The sample points of ``design``: one ``{factor: value}`` per point, in SALib's order."""
    if design not in DESIGNS:
        raise InputError(f"unknown design {design!r}; expected one of {', '.join(DESIGNS)}")
    if design == "full-factorial":
        axes = [
            list(f.levels)
            if f.levels is not None
            else list(np.linspace(float(f.low or 0.0), float(f.high or 0.0), levels))
            for f in factors
        ]
        return [
            {
                f.name: (float(v) if isinstance(v, float | np.floating) else v)
                for f, v in zip(factors, combo, strict=True)
            }
            for combo in itertools.product(*axes)
        ]
    categorical = [f.name for f in factors if f.categorical]
    if categorical:
        raise InputError(
            f"a {design} design needs numeric ranges; categorical factor(s) "
            f"{', '.join(categorical)} need --design full-factorial"
        )
    problem = _problem(factors)
    if design == "latin":
        from SALib.sample import latin

        x = latin.sample(problem, samples, seed=seed)
    else:
        from SALib.sample import sobol as sobol_sample

        x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    return [{f.name: float(row[j]) for j, f in enumerate(factors)} for row in x]


def _problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[f.low, f.high] for f in factors],
    }


# -- tasks (module level: worker processes import them) --------------------------------------


@dataclass(frozen=True)
class _LensTask:
    episode: str
    lens: str
    world: str | None
    points: tuple[dict[str, Any], ...]


@lru_cache(maxsize=4)
def _episode_and_snapshot(episode: str, world: str | None) -> tuple[Any, Any]:
    from detente.lenses.table import resolve_question
    from detente.world import load_world

    the_world = load_world(world)
    question = resolve_question(episode, the_world)
    return question, the_world.at(question.date)


def _run_lens_task(task: _LensTask) -> list[float]:
    from detente.decision import lens_probability
    from detente.lenses import get_lens

    question, snap = _episode_and_snapshot(task.episode, task.world)
    out = []
    for point in task.points:
        params = {k.split(".", 1)[1]: v for k, v in point.items()}
        out.append(lens_probability(get_lens(task.lens, params), snap, question))
    return out


@dataclass(frozen=True)
class _ModelTask:
    table: StakeholderTable
    model: str
    runs: int
    rounds: int | None
    threshold: float | None
    point: dict[str, Any]
    rng: np.random.Generator


def _run_model_task(task: _ModelTask) -> dict[str, float]:
    from detente.forecast.eum import EUMOptions
    from detente.forecast.montecarlo import Perturbation, run_monte_carlo
    from detente.forecast.smp import SMPParams

    groups: dict[str, dict[str, Any]] = {g: {} for g in _GROUPS}
    for key, value in task.point.items():
        group, _, name = key.partition(".")
        groups[group][name] = value
    for key in ("min_turns",):
        if key in groups["smp"]:
            groups["smp"][key] = round(float(groups["smp"][key]))
    try:
        perturbation = Perturbation(**groups["perturbation"])
        options: Any = (
            EUMOptions(**groups["eum"]) if task.model == "eum" else SMPParams(**groups["smp"])
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"sweep point {task.point}: {exc}") from None
    run = run_monte_carlo(
        task.table,
        task.model,  # type: ignore[arg-type]
        task.runs,
        perturbation,
        task.rounds,
        task.rng,
        options=options,
        keep_inputs=False,
    )
    out = {"forecast": float(run.forecast[0]), "median": float(np.median(run.outcomes[:, 0]))}
    if task.threshold is not None:
        out["p_exceeds"] = run.p_exceeds(task.threshold)
        out["p_exceeds_se"] = run.p_exceeds_se(task.threshold)
    return out


# -- results ---------------------------------------------------------------------------------


class SweepResult:
    """A sweep: its sample points, their outcomes and (Sobol designs) the indices.

    Attributes
    ----------
    manifest:
        What was run (subject, factors, design, seed, ...).
    points:
        DataFrame, one row per sample point: ``replicate`` and the factor values.
    outcomes:
        DataFrame, one row per point: ``replicate`` and the outcomes (``p_yes``; or
        ``forecast``, ``median``, ``p_exceeds``, ``p_exceeds_se``).
    indices:
        DataFrame of Sobol indices (``outcome``, ``factor``, ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf``), largest ``ST`` first; ``None`` for other designs.
    """

    def __init__(
        self,
        manifest: dict[str, Any],
        points: pd.DataFrame,
        outcomes: pd.DataFrame,
        indices: pd.DataFrame | None,
    ) -> None:
        self.manifest = manifest
        self.points = points
        self.outcomes = outcomes
        self.indices = indices

    @property
    def main_outcome(self) -> str:
        """``p_yes`` for lens sweeps, ``p_exceeds`` (or ``median``) for model sweeps."""
        cols = list(self.outcomes.columns)
        return next(c for c in ("p_yes", "p_exceeds", "median") if c in cols)

    def to_frame(self) -> pd.DataFrame:
        """Points and outcomes side by side, one row per sample point."""
        return self.points.merge(self.outcomes, on="replicate")

    def to_results(self) -> ResultSet:
        """As a results set (``experiments``, ``outcomes``, and ``indices``), for saving."""
        from detente.experiments.results import ResultSet

        tables = {"experiments": self.points, "outcomes": self.outcomes}
        if self.indices is not None:
            tables["indices"] = self.indices
        return ResultSet(self.manifest, tables)

    def to_json(self) -> str:
        """Manifest, outcomes summary and indices as JSON text."""
        return json.dumps(self.summary(), indent=2, ensure_ascii=False, default=str)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (what ``detente sweep --json`` prints)."""
        main = self.outcomes[self.main_outcome]
        return {
            "manifest": self.manifest,
            "points": len(self.points),
            "outcome": {
                "name": self.main_outcome,
                "mean": float(main.mean()),
                "min": float(main.min()),
                "max": float(main.max()),
            },
            "indices": None if self.indices is None else self.indices.to_dict(orient="records"),
        }

    def plot(self, path: str | Path | None = None) -> Any:
        """Sobol ``S1`` and ``ST`` bars per factor (other designs: the outcome against each
        factor); written to ``path`` if given, else returned as a Figure."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7.0, 4.0), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        main = self.main_outcome
        if self.indices is not None:
            rows = self.indices[self.indices["outcome"] == main]
            y = np.arange(len(rows))
            ax.barh(y - 0.2, rows["S1"], 0.4, xerr=rows["S1_conf"], label="S1 (first order)")
            ax.barh(y + 0.2, rows["ST"], 0.4, xerr=rows["ST_conf"], label="ST (total)")
            ax.set_yticks(y, list(rows["factor"]))
            ax.invert_yaxis()
            ax.set_xlabel(f"Sobol index of {main}")
            ax.legend()
        else:
            frame = self.to_frame()
            for name in self.points.columns.drop("replicate"):
                if frame[name].dtype.kind in "fi":
                    ax.scatter(frame[name], frame[main], s=8, label=name)
            ax.set_ylabel(main)
            ax.legend()
        ax.set_title(
            f"Sweep of {self.manifest['inputs']['subject']} ({self.manifest['design']['name']})"
        )
        from detente.forecast.plot import save_or_return

        return save_or_return(fig, path)

    def __repr__(self) -> str:
        top = ""
        if self.indices is not None and len(self.indices):
            best = self.indices.iloc[0]
            top = f"; largest ST: {best['factor']} {best['ST']:.2f}"
        return (
            f"<SweepResult {self.manifest['design']['name']} sweep of "
            f"{self.manifest['inputs']['subject']}: {len(self.points)} points{top}>"
        )

    def _repr_html_(self) -> str:
        import html

        body: str = (
            self.indices if self.indices is not None else self.to_frame().head(10)
        ).to_html(index=False)
        return f"<p>{html.escape(repr(self))}</p>" + body


def _sobol_indices(
    factors: Sequence[Factor], outcomes: pd.DataFrame, names: Sequence[str], seed: int
) -> pd.DataFrame:
    import pandas as pd
    from SALib.analyze import sobol as sobol_analyze

    problem = _problem(factors)
    rows = []
    for name in names:
        y = outcomes[name].to_numpy(dtype=np.float64)
        if np.ptp(y) == 0.0:
            res = {k: np.zeros(len(factors)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        for j, f in enumerate(factors):
            rows.append(
                {"outcome": name, "factor": f.name}
                | {k: float(np.nan_to_num(res[k][j])) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            )
    frame = pd.DataFrame(rows)
    return frame.sort_values(["outcome", "ST"], ascending=[True, False], kind="stable").reset_index(
        drop=True
    )


def run_sweep(
    subject: str,
    factors: Sequence[Factor | str],
    *,
    lens: str | None = None,
    design: Design = "latin",
    samples: int = 64,
    levels: int = 3,
    seed: int = 0,
    model: str = "eum",
    runs: int = 200,
    rounds: int | None = None,
    threshold: float | None = None,
    world: str | Path | None = None,
    executor: Executor | None = None,
    progress: bool | None = False,
) -> SweepResult:
    """Sweep ``factors`` over a designed sample (see the module docstring).

    Parameters
    ----------
    subject:
        An episode id or file (lens sweeps) or a question id, question file or table file
        (model sweeps).
    factors:
        :class:`Factor` objects or their text form (:func:`parse_factor`).
    lens:
        Sweep this lens's parameters on the episode's decision (``P(yes)``).
    design:
        ``"full-factorial"``, ``"latin"`` or ``"sobol"``.
    samples:
        Latin-hypercube points, or the Sobol base sample ``N`` (a power of two; ``N (k + 2)``
        points).
    levels:
        Values per numeric factor in a full-factorial design.
    seed:
        Seeds the design and every point's generator.
    model, runs, rounds, threshold:
        Model sweeps: the engine, Monte Carlo replicates per point, rounds or turn cap, and the
        threshold of ``P(outcome > threshold)`` (default: the question's).
    world:
        World file or folder (default: the built-in world).
    executor:
        Where the points run (default serial); results are the same on any executor.
    progress:
        Progress bar on stderr (``None``: when stderr is a terminal).
    """
    import pandas as pd

    from detente import __version__
    from detente.experiments.runner import SerialExecutor, progress_bar
    from detente.rng import as_generator, spawn_generators

    parsed = [f if isinstance(f, Factor) else parse_factor(f) for f in factors]
    if not parsed:
        raise InputError(Problem(None, None, "--factor", "give at least one factor to sweep"))
    if samples < 1 or levels < 2:
        raise InputError("samples must be at least 1 and levels at least 2")
    if design == "sobol" and samples & (samples - 1):
        raise InputError(f"a Sobol design needs --samples a power of two, got {samples}")
    design_rng, task_root = spawn_generators(as_generator(seed), 2)
    design_seed = int(design_rng.integers(0, 2**31 - 1))
    world_text = str(world) if world is not None else None
    executor = executor or SerialExecutor()
    if lens is not None:
        parsed = _lens_factors(parsed, lens)
        points = design_points(parsed, design, samples, levels, design_seed)
        _episode_and_snapshot(subject, world_text)  # a bad id fails here, not in a worker
        size = 64
        tasks: list[Any] = [
            _LensTask(subject, lens, world_text, tuple(points[i : i + size]))
            for i in range(0, len(points), size)
        ]
        with progress_bar(len(tasks), f"sweep, {len(points)} points", show=progress) as adv:
            lens_parts = executor.map(_run_lens_task, tasks, adv)
        outcomes = pd.DataFrame({"p_yes": [p for part in lens_parts for p in part]})
        kind = "lens sweep"
        extra: dict[str, Any] = {"lens": lens}
    else:
        from detente.experiments.forecast import resolve_subject

        parsed = _model_factors(parsed, model)
        points = design_points(parsed, design, samples, levels, design_seed)
        resolved = resolve_subject(subject, world_path=Path(world) if world else None)
        if threshold is None and resolved.question is not None:
            threshold = resolved.question.threshold
        rngs = spawn_generators(task_root, len(points))
        tasks = [
            _ModelTask(resolved.table, model, runs, rounds, threshold, p, g)
            for p, g in zip(points, rngs, strict=True)
        ]
        with progress_bar(len(tasks), f"sweep, {len(points)} points", show=progress) as adv:
            model_parts = executor.map(_run_model_task, tasks, adv)
        outcomes = pd.DataFrame(model_parts)
        kind = "model sweep"
        extra = {"model": model, "runs": runs, "rounds": rounds, "threshold": threshold}
    outcomes.insert(0, "replicate", np.arange(len(points)))
    frame = pd.DataFrame(points)
    frame.insert(0, "replicate", np.arange(len(points)))
    indices = None
    if design == "sobol":
        names = [c for c in ("p_yes", "p_exceeds", "median") if c in outcomes.columns]
        indices = _sobol_indices(parsed, outcomes, names, design_seed)
    manifest = {
        "kind": kind,
        "inputs": {"subject": subject, "world": {"name": world_text or "builtin"}},
        "factors": [dataclasses.asdict(f) for f in parsed],
        "design": {"name": design, "samples": samples, "levels": levels, "points": len(points)},
        "seed": seed,
        "seeds": {"design": design_seed, "points": "one spawned generator per point"},
        "detente_version": __version__,
    } | extra
    return SweepResult(manifest, frame, outcomes, indices)
