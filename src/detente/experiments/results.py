"""Results that persist: a tidy results set on disk (Parquet + a JSON manifest), and back.

A results set is a folder:

* ``manifest.json`` — what was run: the kind of experiment, its inputs (the subject, the world
  and a SHA-256 fingerprint of the files it was read from), model and options, sample design or
  perturbation, runs, the seed and how generators were spawned from it, the Détente version, and
  the tables in the folder;
* ``experiments.parquet`` — one row per replicate or sample point: the inputs that varied
  (perturbed capabilities, positions, saliences and who took part; or the swept parameters);
* ``outcomes.parquet`` — one row per replicate or sample point, same ``replicate`` key: what came
  out (final forecast, turns; or ``P(yes)``);
* further tables (``positions.parquet``: each actor's position per round of the unperturbed run;
  ``summary.parquet``; ``indices.parquet`` for a Sobol sweep).

The experiments/outcomes pair is the EMA Workbench's layout (Kwakkel 2017), so a user can run
scenario discovery (:func:`detente.experiments.prim.prim`) or a regression on what drives
``P(outcome > threshold)``. The folder appears only once complete: it is written beside the
target under a temporary name and renamed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from detente.experiments.prim import PrimResult
    from detente.forecast.montecarlo import MonteCarloResult

__all__ = [
    "FORMAT",
    "MANIFEST",
    "ResultSet",
    "fingerprint",
    "load",
    "replicate_frames",
    "save",
]

FORMAT = "detente-results/1"
MANIFEST = "manifest.json"


@dataclass
class ResultSet:
    """A results set: the manifest and its tables (pandas DataFrames, by name).

    ``tables`` always holds ``experiments`` and ``outcomes`` (joined on ``replicate``).
    """

    manifest: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def experiments(self) -> pd.DataFrame:
        """One row per replicate or sample point: the inputs that varied."""
        return self.tables["experiments"]

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per replicate or sample point: what came out."""
        return self.tables["outcomes"]

    def to_frame(self) -> pd.DataFrame:
        """Experiments and outcomes side by side, one row per replicate."""
        return self.experiments.merge(self.outcomes, on="replicate", how="left")

    def to_json(self) -> str:
        """The manifest as JSON text."""
        return json.dumps(self.manifest, indent=2, ensure_ascii=False, default=str)

    def prim(
        self,
        outcome: str,
        threshold: float,
        *,
        above: bool = True,
        inputs: list[str] | None = None,
        **options: Any,
    ) -> PrimResult:
        """PRIM scenario discovery: which input ranges lead to ``outcome > threshold``?

        ``above=False`` asks for ``outcome < threshold`` instead; ``inputs`` limits the columns
        of :attr:`experiments` searched (default: every numeric column that varies); ``options``
        go to :func:`detente.experiments.prim.prim`.
        """
        from detente.experiments.prim import prim

        data = self.to_frame()
        if outcome not in self.outcomes.columns:
            raise InputError(
                f"unknown outcome {outcome!r} (known: {', '.join(self.outcomes.columns)})"
            )
        y = data[outcome] > threshold if above else data[outcome] < threshold
        names = inputs or [
            c
            for c in self.experiments.columns
            if c != "replicate" and data[c].dtype.kind in "fiub" and data[c].nunique() > 1
        ]
        return prim(data[names], y.to_numpy(), **options)

    def __repr__(self) -> str:
        m = self.manifest
        rows = len(self.tables["outcomes"]) if "outcomes" in self.tables else 0
        return (
            f"<ResultSet {m.get('kind', '?')} of {m.get('inputs', {}).get('subject', '?')!s}: "
            f"{rows} rows, tables {', '.join(sorted(self.tables))}>"
        )

    def _repr_html_(self) -> str:
        import html

        table: str = self.outcomes.head(10).to_html(index=False)
        return f"<p>{html.escape(repr(self))}</p>" + table


def fingerprint(path: Path) -> str:
    """SHA-256 over a file, or over every file in a folder (sorted by relative path)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        digest.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def replicate_frames(run: MonteCarloResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(experiments, outcomes)`` of a Monte Carlo run, one row per replicate.

    Experiments columns: ``replicate``, then per actor ``ACTOR.capability``, ``ACTOR.position``
    and ``ACTOR.salience`` (``[j]`` appended on tables with several dimensions) and
    ``ACTOR.kept`` (whether it took part). Outcomes: ``replicate``, ``outcome`` (per dimension
    ``outcome[j]`` when there are several), ``turns``.
    """
    import numpy as np
    import pandas as pd

    if run.inputs is None:
        raise ValueError("this Monte Carlo run did not keep its inputs (keep_inputs=False)")
    inputs, table = run.inputs, run.table
    d = inputs.position.shape[2]
    cols: dict[str, Any] = {"replicate": np.arange(run.runs)}
    for a, actor in enumerate(table.actors):
        cols[f"{actor}.capability"] = inputs.capability[:, a]
        for j in range(d):
            suffix = "" if d == 1 else f"[{j}]"
            cols[f"{actor}.position{suffix}"] = inputs.position[:, a, j]
            cols[f"{actor}.salience{suffix}"] = inputs.salience[:, a, j]
        cols[f"{actor}.kept"] = inputs.kept[:, a]
    out: dict[str, Any] = {"replicate": np.arange(run.runs)}
    for j in range(d):
        out["outcome" if d == 1 else f"outcome[{j}]"] = run.outcomes[:, j]
    out["turns"] = run.turns
    return pd.DataFrame(cols), pd.DataFrame(out)


def save(results: ResultSet, folder: str | Path) -> Path:
    """Write ``results`` to ``folder`` (replacing an earlier results set there).

    A folder that exists and is not a results set (no ``manifest.json``) and not empty is
    refused, so that a typo cannot delete a user's files.
    """
    target = Path(folder)
    if target.is_symlink():  # a link to a folder is written through, never replaced by one
        target = Path(os.path.realpath(target))
    if target.exists():
        if not target.is_dir():
            raise InputError(f"--save {target}: exists and is not a folder")
        if any(target.iterdir()) and not (target / MANIFEST).is_file():
            raise InputError(
                f"--save {target}: the folder is not empty and holds no results set; "
                "give a new or empty folder"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest = dict(results.manifest)
    manifest["format"] = FORMAT
    manifest["tables"] = {name: f"{name}.parquet" for name in sorted(results.tables)}
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, frame in results.tables.items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str, allow_nan=False)
        (tmp / MANIFEST).write_text(text + "\n", encoding="utf-8")
        tmp.chmod(0o777 & ~_umask())
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(tmp)
    return target


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def load(folder: str | Path) -> ResultSet:
    """Read a results set written by :func:`save` (or ``--save``)."""
    import pandas as pd

    path = Path(folder)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"{path}: not a results set (no {MANIFEST})")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{manifest_path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{manifest_path}: format is not {FORMAT!r}")
    tables = {}
    for name, file in manifest.get("tables", {}).items():
        table_path = path / file
        if not table_path.is_file():
            raise InputError(f"{path}: the manifest lists {file}, which is missing")
        tables[name] = pd.read_parquet(table_path)
    return ResultSet(manifest, tables)
