"""Executors: map an experiment's tasks to results, serially, in local processes or on Dask.

Every experiment in :mod:`detente.experiments` has one shape: a specification that splits the
work into independent tasks, each carrying every random generator it will use (spawned up front
from the experiment's seed, see :mod:`detente.rng`), and a step that combines the task results in
task order. Because no task draws from a generator it shares with another, and the split into
tasks depends only on the specification, the combined result is bit-identical whatever executor
runs it and however many workers it has.

Executors (the same experiment runs unchanged on each):

* :class:`SerialExecutor` — in this process, one task after another;
* :class:`ProcessExecutor` — ``jobs`` local worker processes (:mod:`concurrent.futures`, started
  by the ``forkserver`` method where the platform has it, so a worker never inherits threads);
* :class:`DaskExecutor` — a Dask ``distributed`` cluster: a running scheduler at ``address``, or a
  ``LocalCluster`` of ``jobs`` single-threaded workers started for the run (Rocklin 2015).

:func:`make_executor` picks one from the CLI's ``--jobs`` and ``--scheduler``.

An executor used as a context manager (``with executor: ...``) keeps its pool or cluster open
for every :meth:`~Executor.map` inside the block (a forecast's Monte Carlo and its sensitivity
analysis share one pool); outside a block each ``map`` starts and closes its own.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # imported where used: a serial run starts no process
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

__all__ = [
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SerialExecutor",
    "make_executor",
    "progress_bar",
]

log = logging.getLogger("detente.experiments")

T = TypeVar("T")
R = TypeVar("R")
Advance = Callable[[int], None]


class Executor(Protocol):
    """Runs ``fn`` on every task; returns the results in task order."""

    @property
    def name(self) -> str:
        """``serial``, ``processes`` or ``dask``."""

    @property
    def workers(self) -> int:
        """How many tasks may run at once."""

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], advance: Advance | None = None
    ) -> list[R]:
        """``[fn(t) for t in tasks]``; ``advance(1)`` is called as each task finishes."""

    def __enter__(self) -> Executor:
        """Keep the pool or cluster open until the block ends."""

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close what :meth:`__enter__` opened."""


class SerialExecutor:
    """Every task in this process, in order."""

    name = "serial"
    workers = 1

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], advance: Advance | None = None
    ) -> list[R]:
        """Run the tasks one after another."""
        out = []
        for task in tasks:
            out.append(fn(task))
            if advance is not None:
                advance(1)
        return out

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:
        return "SerialExecutor()"


#: Modules the fork server imports once, so that each worker starts with the engines loaded.
PRELOAD = ["detente.forecast.montecarlo", "detente.forecast.eum"]


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing  # here, not at import: a serial run never starts a process

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessExecutor:
    """``jobs`` local worker processes: one pool for a ``with`` block, else one per :meth:`map`.

    Parameters
    ----------
    jobs:
        Number of worker processes, at least 1.
    """

    name = "processes"

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.workers = int(jobs)
        self._pool: ProcessPoolExecutor | None = None
        self._depth = 0  # nested ``with`` blocks share the outermost one's pool

    def __enter__(self) -> ProcessExecutor:
        if self._depth == 0:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context())
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            pool, self._pool = self._pool, None
            if pool is not None:
                pool.shutdown()

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], advance: Advance | None = None
    ) -> list[R]:
        """Run the tasks in the pool; results come back in task order."""
        if not tasks:
            return []
        if self._pool is not None:
            return self._map(self._pool, fn, tasks, advance)
        from concurrent.futures import ProcessPoolExecutor

        workers = min(self.workers, len(tasks))
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            return self._map(pool, fn, tasks, advance)

    @staticmethod
    def _map(
        pool: ProcessPoolExecutor,
        fn: Callable[[T], R],
        tasks: Sequence[T],
        advance: Advance | None,
    ) -> list[R]:
        from concurrent.futures import as_completed

        results: list[Any] = [None] * len(tasks)
        futures = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if advance is not None:
                advance(1)
        return results

    def __repr__(self) -> str:
        return f"ProcessExecutor(jobs={self.workers})"


def local_cluster(jobs: int, *, processes: bool = True) -> Any:
    """A Dask ``LocalCluster`` of ``jobs`` single-threaded workers, without Dask's malloc setting.

    Dask's nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (its
    ``distributed.nanny.pre-spawn-environ``), meant to hand freed memory back to the system. Any
    ``MALLOC_*`` variable also freezes glibc's mmap threshold at 128 KiB, so every engine
    temporary above that size (an EUM round's pairwise arrays are about 170 kB at 4,096
    replicates) is mapped, faulted in and unmapped again each time it is made: on the benchmark
    of 10^6 EUM replicates that doubled the workers' page faults and cost them about a tenth of
    their CPU. The workers Détente starts itself keep Dask's other settings (one BLAS thread)
    and drop the ``MALLOC_*`` ones; a cluster a user runs (``--scheduler ADDRESS``) keeps its own.
    """
    import dask
    from distributed import LocalCluster

    environ = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    kept = {k: v for k, v in dict(environ).items() if not str(k).startswith("MALLOC_")}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": kept}):
        return LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=processes, dashboard_address=None
        )


class DaskExecutor:
    """A Dask ``distributed`` cluster: the scheduler at ``address``, or a local cluster.

    Parameters
    ----------
    address:
        A running scheduler (``tcp://host:8786``); ``None`` starts a ``LocalCluster`` for a
        ``with`` block (else for each :meth:`map` call) and closes it afterwards.
    jobs:
        Workers of the local cluster (each single-threaded); ignored with ``address``.
    processes:
        Whether the local cluster's workers are processes (``True``, the default: the engines
        hold the GIL) or threads of this process (cheap to start; for tests).
    client:
        An existing ``distributed.Client`` to submit to (it is left open).
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        jobs: int = 2,
        processes: bool = True,
        client: Any | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.address = address
        self.jobs = int(jobs)
        self.processes = processes
        self.client = client
        self._open: ExitStack | None = None
        self._depth = 0  # nested ``with`` blocks share the outermost one's client

    @property
    def workers(self) -> int:
        """Workers of the local cluster (``address``: as many as the scheduler reports)."""
        if self.client is not None:
            return max(1, len(self.client.scheduler_info().get("workers", {})))
        return self.jobs

    def __enter__(self) -> DaskExecutor:
        if self._depth == 0 and self.client is None:
            stack = ExitStack()
            self.client = stack.enter_context(self._client())
            self._open = stack
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._open is not None:
            stack, self._open = self._open, None
            self.client = None
            stack.close()

    @contextmanager
    def _client(self) -> Iterator[Any]:
        from distributed import Client  # a Dask run loads Dask, nothing else does

        if self.client is not None:
            yield self.client
        elif self.address is not None:
            with Client(self.address) as client:
                yield client
        else:
            with (
                local_cluster(self.jobs, processes=self.processes) as cluster,
                Client(cluster) as client,
            ):
                yield client

    def map(
        self, fn: Callable[[T], R], tasks: Sequence[T], advance: Advance | None = None
    ) -> list[R]:
        """Submit every task (``pure=False``: each is run, none deduplicated); gather in order."""
        if not tasks:
            return []
        from distributed import as_completed as dask_completed

        with self._client() as client:
            futures = client.map(fn, list(tasks), pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            results: list[Any] = [None] * len(tasks)
            for future in dask_completed(futures):
                results[index[future.key]] = future.result()
                future.release()
                if advance is not None:
                    advance(1)
        return results

    def __repr__(self) -> str:
        where = self.address if self.address is not None else f"LocalCluster(jobs={self.jobs})"
        return f"DaskExecutor({where})"


def make_executor(jobs: int = 1, scheduler: str | None = None) -> Executor:
    """The executor for ``--jobs`` and ``--scheduler``.

    ``scheduler`` is a Dask scheduler address, or ``"local"`` for a ``LocalCluster`` of ``jobs``
    workers; without it, ``jobs == 1`` runs serially and ``jobs > 1`` in local processes.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if scheduler is not None:
        if scheduler == "local":
            return DaskExecutor(jobs=jobs)
        return DaskExecutor(scheduler)
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)


@contextmanager
def progress_bar(total: int, label: str, *, show: bool | None = None) -> Iterator[Advance]:
    """A ``rich`` progress bar on stderr; yields ``advance(k)``.

    ``show=None`` shows it only when stderr is a terminal (so piped output and ``--json`` stay
    clean) and logging is not quieter than warnings.
    """
    if show is None:
        show = sys.stderr.isatty() and logging.getLogger("detente").getEffectiveLevel() <= 30
    if not show or total <= 0:
        yield lambda k: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda k: bar.advance(task, k)
