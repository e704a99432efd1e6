"""Safe file output: checked before the work starts, written whole or not at all.

Every file a command writes (``--plot``, ``world schema -o``) goes through this module, so that
they share one set of guarantees:

* an existing target that is not a regular file (a device node such as ``/dev/null``, a FIFO, a
  socket, a folder) is refused, never replaced;
* a symbolic link is written *through*: its target receives the content and the link stays;
* :func:`check_output` creates and removes the temporary file beside the target, so a path that
  cannot be written fails in the first second, before a long computation;
* the content goes to a temporary file in the target's folder and is renamed onto the target
  only once complete, so a failure never leaves a partial file; the temporary file is removed on
  any exception and on SIGTERM or SIGHUP (see :func:`install_signal_cleanup`), as on Ctrl-C;
  SIGKILL cannot be caught, so a killed writer may leave its temporary file: it is hidden, named
  ``.TARGET.detente-PID.XXXXXXXX.tmp`` (never mistaken for the output) and removed by the next
  write to the same target once its process is gone (:func:`temporary_name`);
* every error is an :class:`OutputError` naming the target the user gave, never the temporary
  file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

from detente.errors import DetenteError

__all__ = [
    "OutputError",
    "atomic_path",
    "atomic_write",
    "check_output",
    "install_signal_cleanup",
    "temporary_name",
]


class OutputError(DetenteError, OSError):
    """An output path that cannot be written; the message names the path the user gave."""

    def __init__(self, target: str | os.PathLike[str], reason: str) -> None:
        self.target = str(target)
        self.reason = reason
        super().__init__(f"{self.target}: {reason}")

    def __str__(self) -> str:
        return f"{self.target}: {self.reason}"


_PENDING: set[Path] = set()
"""Temporary files being written now (removed by the signal handler if the process is ended)."""


def _umask() -> int:
    """The process's umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages ("a FIFO", "a folder", ...); shared with
    :mod:`detente.yamlio`."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def resolve_output(target: str | os.PathLike[str]) -> Path:
    """The regular file that writing ``target`` would replace (symbolic links followed).

    Raises :class:`OutputError` if the path ends in a separator, or if what exists there is not
    a regular file.
    """
    text = os.fspath(target)
    if not text or text.endswith(("/", os.sep)):
        raise OutputError(text, "is a folder name; give a file name such as out.png")
    if text == "-":  # the usual "standard output" spelling; a file called "-" is a surprise
        raise OutputError(text, "cannot write to standard output; give a file name")
    path = Path(text)
    try:
        real = Path(os.path.realpath(path, strict=False))
    except (OSError, ValueError) as exc:
        raise OutputError(text, f"cannot resolve the path: {exc}") from None
    try:
        info = real.stat()
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise OutputError(text, f"cannot write it: {_reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = file_kind(info.st_mode)
        raise OutputError(text, f"exists and is {kind}, not a regular file; refusing to replace it")
    return real


#: A leftover temporary file older than this whose process is gone is removed (seconds).
STALE_AGE = 3600.0


def _prefix(real: Path, pid: int) -> str:
    # hidden, names its target and the process that writes it; must fit in NAME_MAX
    return f".{real.name[:120]}.detente-{pid}."


def temporary_name(target: str | os.PathLike[str], *, pid: int | None = None) -> str:
    """The name pattern of the temporary file a write to ``target`` uses (random part ``X``).

    It is hidden (a leading dot), ends in ``.tmp``, and names the target and the writing
    process: ``.out.png.detente-4242.XXXXXXXX.tmp``. Such a file is never the output itself; it
    is left only if the process was killed by a signal that cannot be caught (SIGKILL, or the
    machine stopping), and the next write to the same target removes it (see
    :func:`_remove_stale`).
    """
    real = Path(os.fspath(target))
    return _prefix(real, os.getpid() if pid is None else pid) + "XXXXXXXX.tmp"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, and is someone else's
        return True
    return True


def _remove_stale(real: Path) -> None:
    """Remove temporary files that killed writers left beside ``real``.

    Only files of this target's pattern are touched, and only when the process named in the
    name no longer exists *and* the file is older than :data:`STALE_AGE` (a writer on another
    machine or in another PID namespace sharing the folder may use the same number; none keeps
    a temporary file for an hour).
    """
    import time

    head = f".{real.name[:120]}.detente-"
    try:
        names = [n for n in os.listdir(real.parent) if n.startswith(head) and n.endswith(".tmp")]
    except OSError:
        return
    now = time.time()
    for name in names:
        pid_text = name[len(head) :].split(".", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        path = real.parent / name
        with contextlib.suppress(OSError):
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AGE:
                path.unlink()


def _temporary(real: Path, shown: str) -> Path:
    """Create the temporary file beside ``real`` (mode 0600, by :func:`tempfile.mkstemp`)."""
    if not real.parent.is_dir():
        raise OutputError(shown, f"the folder {real.parent} does not exist")
    _remove_stale(real)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=_prefix(real, os.getpid()), suffix=".tmp", dir=real.parent
        )
    except OSError as exc:
        raise OutputError(shown, f"cannot write it: {_reason(exc)}") from None
    os.close(fd)
    return Path(tmp)


def check_output(target: str | os.PathLike[str]) -> Path:
    """Check now that ``target`` can be written later; return the file that would be written.

    Creates and removes a temporary file in the target's folder, so that a missing folder, a
    read-only or full-inode file system, a name too long or a special file fails before the
    computation, with an :class:`OutputError` naming ``target``.
    """
    shown = os.fspath(target)
    real = resolve_output(target)
    tmp = _temporary(real, shown)
    tmp.unlink()
    if len(real.name.encode()) > 255:
        raise OutputError(shown, "cannot write it: File name too long")
    return real


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    Use this for libraries that want a file name (e.g. ``matplotlib.Figure.savefig``; give the
    format explicitly, the temporary name ends in ``.tmp``). A symbolic link ``target`` is
    written through; a special file is refused. Any ``OSError`` becomes an
    :class:`OutputError` naming ``target``.
    """
    shown = os.fspath(target)
    real = resolve_output(target)
    tmp = _temporary(real, shown)
    _PENDING.add(tmp)
    try:
        try:
            yield tmp
            try:
                mode = stat.S_IMODE(real.stat().st_mode)  # replacing a file keeps its mode
            except FileNotFoundError:
                mode = 0o666 & ~_umask()  # the mode a plain open() would give a new file
            os.chmod(tmp, mode)
            os.replace(tmp, real)
        except OutputError:
            raise
        except OSError as exc:
            raise OutputError(shown, f"cannot write it: {_reason(exc)}") from None
    finally:
        _PENDING.discard(tmp)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_write(
    target: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; it replaces ``target`` only if the block succeeds."""
    if "b" in mode:
        encoding = None
    shown = os.fspath(target)
    with atomic_path(target) as tmp:
        try:
            with open(tmp, mode, encoding=encoding) as handle:
                yield handle
        except OSError as exc:  # e.g. ENOSPC while writing or closing
            raise OutputError(shown, f"cannot write it: {_reason(exc)}") from None


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """End the process as Ctrl-C would: remove pending temporary files, exit 128 + signal."""
    for tmp in list(_PENDING):
        with contextlib.suppress(OSError):
            tmp.unlink()
    raise SystemExit(128 + signum)


def install_signal_cleanup() -> None:
    """Make SIGTERM and SIGHUP unwind like SIGINT, so temporary files are removed (CLI only)."""
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                signal.signal(signum, _on_signal)
