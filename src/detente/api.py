"""The notebook API behind ``import detente as dt``: one call per task, result objects back.

Each function returns an object with ``.to_frame()`` (a tidy pandas DataFrame), ``.to_json()``,
``.plot()``, a one-line ``repr`` and ``_repr_html_`` (a table in Jupyter):

>>> import detente as dt
>>> dt.world()  # doctest: +ELLIPSIS
<World 'Détente built-in world: ...', 1992-01-01 to 2024-12-31: ... states, ...>
>>> dt.explain("nato-csto-2009", lens="realist").to_frame()[["lens", "p_yes", "outcome"]]
      lens  p_yes outcome
0  realist    0.0  refuse
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from detente.experiments.backtest import BacktestResult
    from detente.experiments.forecast import ForecastResult
    from detente.experiments.runner import Executor
    from detente.experiments.sweep import Factor, SweepResult
    from detente.explanation import Explanation
    from detente.forecast.eum import EUMOptions
    from detente.forecast.montecarlo import Perturbation
    from detente.forecast.smp import SMPParams
    from detente.lenses import Lens
    from detente.world import World

__all__ = ["BacktestReport", "ExplainResult", "backtest", "explain", "forecast", "sweep", "world"]


def world(path: str | Path | None = None) -> World:
    """The built-in world, or the world at ``path`` (a YAML file or folder).

    Parameters
    ----------
    path:
        World file or folder; a world whose header says ``extends: builtin`` is added to the
        built-in one. ``None``: the built-in NATO–CSTO world.
    """
    from detente.world import load_world

    return load_world(path)


def _executor(jobs: int, scheduler: str | None, executor: Executor | None) -> Executor:
    from detente.experiments.runner import make_executor

    return executor if executor is not None else make_executor(jobs, scheduler)


def forecast(
    subject: str | Path,
    *,
    model: str = "eum",
    runs: int = 1000,
    seed: int = 0,
    rounds: int | None = None,
    lens: str | None = None,
    settings: Mapping[str, object] | None = None,
    perturbation: Perturbation | None = None,
    options: EUMOptions | SMPParams | None = None,
    sensitivity: str = "none",
    threshold: float | None = None,
    level: float = 0.9,
    dim: int = 0,
    world: str | Path | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    executor: Executor | None = None,
    progress: bool | None = False,
) -> ForecastResult:
    """Forecast a question or stakeholder table with a bargaining model and Monte Carlo.

    Parameters
    ----------
    subject:
        A built-in question id (``"nato-csto-2009"``), a question file or a table file; with
        ``lens``, an episode id or file.
    model:
        ``"eum"`` (expected-utility model) or ``"smp"`` (KTAB's spatial model).
    runs:
        Monte Carlo replicates.
    seed:
        Same seed, same numbers, on any executor.
    rounds:
        EUM rounds or SMP turn cap (default 10 / 100).
    lens:
        Forecast the episode on the stakeholder table this lens derives from the world.
    settings:
        Lens parameter overrides (``{"realist.rivalry_weight": 0.5}``).
    perturbation:
        Monte Carlo distributions (default :class:`~detente.forecast.montecarlo.Perturbation`).
    options:
        Model variant: ``EUMOptions`` or ``SMPParams``.
    sensitivity:
        ``"none"`` (default here), ``"morris"`` or ``"sobol"``.
    threshold:
        Report ``P(outcome > threshold)`` (default: the question's; 50 on a lens table).
    level:
        Level of the central interval.
    dim:
        Dimension of the trajectory, positions and sensitivity.
    world:
        World file or folder (default: built-in).
    jobs, scheduler, executor:
        Where the replicates run: ``jobs`` local processes, a Dask ``scheduler`` address (or
        ``"local"``), or an executor from :mod:`detente.experiments.runner`.
    progress:
        Progress bar on stderr (``None``: when stderr is a terminal).

    Returns
    -------
    ForecastResult
        ``.to_frame()`` one row per dimension; ``.positions()`` actors per round;
        ``.replicates()`` every replicate's inputs and outcome; ``.plot()`` the fan chart.
    """
    from detente.experiments.forecast import (
        LENS_THRESHOLD,
        ForecastResult,
        build_report,
        resolve_subject,
    )
    from detente.forecast.montecarlo import Perturbation

    world_path = Path(world) if world is not None else None
    resolved = resolve_subject(str(subject), world_path=world_path, lens=lens, settings=settings)
    if lens is not None and threshold is None:
        threshold = LENS_THRESHOLD
    report, run = build_report(
        resolved,
        model=model,  # type: ignore[arg-type]
        rounds=rounds,
        runs=runs,
        seed=seed,
        perturbation=perturbation or Perturbation(),
        sensitivity=sensitivity,  # type: ignore[arg-type]
        level=level,
        threshold=threshold,
        dim=dim,
        options=options,
        executor=_executor(jobs, scheduler, executor),
        progress=progress,
    )
    return ForecastResult(report, run, resolved)


def _lenses(lens: str | Sequence[str] | None, settings: Mapping[str, object] | None) -> list[Lens]:
    from detente.errors import UnknownIdError, match_id
    from detente.lenses import LENSES, get_lens, lens_overrides

    names = []
    for n in [lens] if isinstance(lens, str) else list(lens or LENSES):
        ident = match_id(n, LENSES)  # lens names are matched ignoring case
        if ident is None:
            raise UnknownIdError("lens", n, LENSES)
        names.append(ident)
    return [get_lens(n, lens_overrides(settings or {}, n, names)) for n in names]


class ExplainResult:
    """Explanations of one question under one or more lenses.

    Attributes
    ----------
    explanations:
        One :class:`~detente.explanation.Explanation` per lens.
    """

    def __init__(self, explanations: Sequence[Explanation]) -> None:
        self.explanations = tuple(explanations)

    def to_frame(self) -> pd.DataFrame:
        """One row per lens: ``P(yes)``, outcome, top pivot, decisive term."""
        import pandas as pd

        rows = []
        for e in self.explanations:
            decisive = e.decisive_term
            rows.append(
                {
                    "question": e.question_id,
                    "lens": e.lens,
                    "p_yes": round(e.p_yes, 3),
                    "outcome": e.outcome,
                    "recorded": e.recorded_outcome,
                    "top_pivot": e.pivots[0].actor if e.pivots else None,
                    "pivot_role": e.pivots[0].role if e.pivots else None,
                    "decisive_term": decisive.target if decisive is not None else None,
                }
            )
        return pd.DataFrame(rows)

    def terms(self) -> pd.DataFrame:
        """Tidy margins: one row per lens, actor and term (``contribution`` to U(yes) - U(no))."""
        import pandas as pd

        return pd.DataFrame(
            [
                {"lens": e.lens, "actor": a.actor, "side": a.side, "term": t, "contribution": v}
                for e in self.explanations
                for a in e.actors
                for t, v in a.terms
            ]
        )

    def why(self) -> list[str]:
        """The explanations' sentences, lens by lens."""
        from detente.explanation import why

        return [line for e in self.explanations for line in why(e)]

    def to_json(self) -> str:
        """The explanations as JSON text (what ``detente explain --json`` holds)."""
        from detente.explanation import explanation_json

        data = [explanation_json(e) for e in self.explanations]
        return json.dumps(data, indent=2, ensure_ascii=False, default=str, allow_nan=False)

    def plot(self, path: str | Path | None = None) -> Any:
        """Each lens's term totals over the deciders (a bar chart); saved to ``path`` if given."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7.0, 1.0 + 2.0 * len(self.explanations)), layout="constrained")
        FigureCanvasAgg(fig)
        for k, e in enumerate(self.explanations):
            ax = fig.add_subplot(len(self.explanations), 1, k + 1)
            names = [t for t, _ in e.term_totals]
            ax.barh(names, [v for _, v in e.term_totals])
            ax.axvline(0.0, color="black", linewidth=0.8)
            ax.set_title(f"{e.lens}: P({e.yes_outcome}) = {e.p_yes:.3f}", loc="left")
        from detente.forecast.plot import save_or_return

        return save_or_return(fig, path)

    def __repr__(self) -> str:
        parts = ", ".join(f"{e.lens} P(yes)={e.p_yes:.3f}" for e in self.explanations)
        qid = self.explanations[0].question_id if self.explanations else "?"
        return f"<ExplainResult {qid}: {parts}>"

    def _repr_html_(self) -> str:
        import html

        table: str = self.to_frame().to_html(index=False)
        return f"<p>{html.escape(repr(self))}</p>" + table


def explain(
    episode: str | Path,
    *,
    lens: str | Sequence[str] | None = None,
    settings: Mapping[str, object] | None = None,
    world: str | Path | None = None,
) -> ExplainResult:
    """Explain an episode under one or more lenses: probability, terms, pivots, what-ifs.

    Parameters
    ----------
    episode:
        A built-in episode id (``"nato-csto-2009"``) or a YAML file holding one.
    lens:
        A lens name or names (default: every registered lens).
    settings:
        Lens parameter overrides (``{"realist.rivalry_weight": 0.5}``).
    world:
        World file or folder (default: built-in).
    """
    from detente.explanation import explain as explain_one
    from detente.lenses import LENSES, get_lens, lens_overrides
    from detente.lenses.table import resolve_question
    from detente.world import load_world

    the_world = load_world(world)
    question = resolve_question(str(episode), the_world)
    snap = the_world.at(question.date)
    compare = [get_lens(n, lens_overrides(settings or {}, n, list(LENSES))) for n in LENSES]
    lenses = _lenses(lens, settings)
    return ExplainResult([explain_one(question, snap, ln, compare=compare) for ln in lenses])


class BacktestReport:
    """A backtest: each episode's forecasts under every lens and baseline, and the scores.

    Attributes
    ----------
    result:
        The :class:`~detente.experiments.backtest.BacktestResult`.
    """

    def __init__(self, result: BacktestResult) -> None:
        self.result = result

    def to_frame(self) -> pd.DataFrame:
        """Tidy forecasts: one row per episode and forecaster (``p_yes``, outcome ``y``)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "episode": f.episode,
                    "date": f.date,
                    "type": f.type,
                    "forecaster": name,
                    "p_yes": p,
                    "y": f.y,
                }
                for f in self.result.forecasts
                for name, p in f.p.items()
            ]
        )

    def scores(self) -> pd.DataFrame:
        """One row per forecaster: kind, n, Brier and log score (lower is better)."""
        import pandas as pd

        return pd.DataFrame([vars(s) for s in self.result.scores])

    def to_json(self) -> str:
        """The backtest as JSON text (what ``detente backtest --json`` prints)."""
        from detente.experiments.backtest import backtest_json

        return json.dumps(
            backtest_json(self.result), indent=2, ensure_ascii=False, default=str, allow_nan=False
        )

    def plot(self, path: str | Path | None = None) -> Any:
        """Brier score per forecaster (bars); saved to ``path`` if given."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.0, 3.0), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        scores = self.result.scores
        ax.barh([s.name for s in scores], [s.brier for s in scores])
        ax.set_xlabel("Brier score (lower is better)")
        ax.invert_yaxis()
        from detente.forecast.plot import save_or_return

        return save_or_return(fig, path)

    def __repr__(self) -> str:
        best = min(self.result.scores, key=lambda s: s.brier) if self.result.scores else None
        tail = f", best Brier {best.name} {best.brier:.3f}" if best else ""
        return (
            f"<BacktestReport {self.result.source}: {len(self.result.forecasts)} episodes, "
            f"{len(self.result.skipped)} skipped{tail}>"
        )

    def _repr_html_(self) -> str:
        import html

        table: str = self.scores().to_html(index=False)
        return f"<p>{html.escape(repr(self))}</p>" + table


def backtest(
    episodes: str | Path | None = None,
    *,
    lens: str | Sequence[str] | None = None,
    settings: Mapping[str, object] | None = None,
    world: str | Path | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    executor: Executor | None = None,
) -> BacktestReport:
    """Score lenses and two baselines against recorded episodes (Brier and log scores).

    Parameters
    ----------
    episodes:
        An episode YAML file or folder (default: the built-in episodes).
    lens:
        A lens name or names (default: every registered lens).
    settings:
        Lens parameter overrides.
    world:
        World file or folder (default: built-in).
    jobs, scheduler, executor:
        Where the episodes run: ``jobs`` local processes, a Dask scheduler address (or
        ``"local"``), or an executor from :mod:`detente.experiments.runner`. The scores are the
        same on any executor.
    """
    from detente.decisions import load_episodes
    from detente.experiments.backtest import backtest as run_backtest
    from detente.world import load_world

    the_world = load_world(world)
    records = load_episodes(Path(episodes) if episodes is not None else None, world=the_world)
    source = str(episodes) if episodes is not None else "built-in episodes"
    lenses = _lenses(lens, settings)
    with _executor(jobs, scheduler, executor) as ex:
        return BacktestReport(run_backtest(records, the_world, lenses, source=source, executor=ex))


def sweep(
    subject: str,
    factors: Sequence[Factor | str],
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    executor: Executor | None = None,
    **options: Any,
) -> SweepResult:
    """Sweep lens parameters, perturbation settings or model options over a designed sample.

    Parameters
    ----------
    subject:
        An episode (with ``lens=``) or a question or table (model sweeps).
    factors:
        ``"realist.rivalry_weight"``, ``"perturbation.dropout=0:0.2"``,
        ``"eum.offer_choice=scholz_code,largest_eu"``, or
        :class:`~detente.experiments.sweep.Factor` objects.
    jobs, scheduler, executor:
        Where the points run (results are the same on any executor).
    **options:
        ``lens``, ``design`` (``"full-factorial"``, ``"latin"``, ``"sobol"``), ``samples``,
        ``levels``, ``seed``, ``model``, ``runs``, ``rounds``, ``threshold``, ``world``,
        ``progress``: see :func:`detente.experiments.sweep.run_sweep`.
    """
    from detente.experiments.sweep import run_sweep

    return run_sweep(subject, factors, executor=_executor(jobs, scheduler, executor), **options)
