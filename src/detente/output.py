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


def _temporary(real: Path, shown: str) -> Path:
    """Create the temporary file beside ``real`` (mode 0600, by :func:`tempfile.mkstemp`)."""
    if not real.parent.is_dir():
        raise OutputError(shown, f"the folder {real.parent} does not exist")
    # The temporary name must fit in NAME_MAX like the target's; shorten the stem if need be.
    stem = real.name[:120]
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=real.parent)
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
