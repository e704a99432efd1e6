"""A per-user cache of the built-in world, so that a query does not re-read and re-validate it.

Reading the built-in world means parsing some 400 KB of YAML and validating every record (and
the whole world's cross-references): most of what ``detente world members CSTO`` costs. The
result only depends on the package's own files, so the validated :class:`~detente.world.World`
is stored once, as a pickle, and later processes load it instead. Beside it, under the same
key, is the world's :class:`~detente.world.roster.Roster` (plain rows of its memberships), which
``detente world members`` and ``world shared`` load without importing pydantic at all; that file
is read with an unpickler that builds nothing but the roster's own tuples and dates.

Keying and safety
-----------------
* The key is a BLAKE2b hash of the content (and relative name) of every file under the
  package's ``data/world`` folder, of the source of the code that reads, validates and defines
  a world (``detente/world/*.py``, ``yamlio.py``, ``_yamlparse.py``, ``errors.py``), of the
  versions of Détente and Python, and of where PyYAML, pydantic and pydantic-core are
  installed (path, size and time of their main files, which an upgrade changes). Editing a
  data file or the record models therefore changes the key: the stale pickle is simply not
  found, and the world is rebuilt from the YAML and stored anew.
* Only the built-in world is cached. A user's world file is always read and validated.
* The file is written to a temporary name in the cache folder and renamed into place, so a
  reader never sees half a file; a file that cannot be read back (truncated, corrupt, from
  another version of a library, of the wrong type or key) is ignored and the world rebuilt.
* A pickle can run code when loaded, so only a file in a folder of the current user's that
  nobody else can write is loaded (POSIX: owned by the user, not group- or world-writable).
* Any failure to write (a read-only home, a full disk) leaves the command working, uncached.

Environment
-----------
``DETENTE_NO_CACHE``
    Set (to anything but ``0`` or the empty string) to neither read nor write the cache.
``DETENTE_CACHE_DIR``
    The cache folder (default: ``$XDG_CACHE_HOME/detente``, else ``~/.cache/detente``; on
    Windows ``%LOCALAPPDATA%\\detente``).
"""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from detente.world.model import World
    from detente.world.roster import Roster

__all__ = [
    "builtin_key",
    "cache_dir",
    "cache_enabled",
    "load_builtin",
    "load_roster",
    "store_builtin",
    "store_roster",
    "world_key",
]

log = logging.getLogger(__name__)

try:  # the same BLAKE2b as hashlib's, without hashlib loading OpenSSL (a few ms of start-up)
    from _blake2 import blake2b as _blake2b
except ImportError:  # an interpreter built without its own hashes
    from hashlib import blake2b as _blake2b

#: Bumped when the layout of the stored tuple changes.
FORMAT = 1
#: How many cached worlds (of different keys) a folder keeps; older ones are removed.
KEEP = 8
_PREFIX = "world-"
_ROSTER_PREFIX = "roster-"
_SUFFIX = ".pickle"

# The code whose change could change the validated world (its records, their models, the rules
# that accept or refuse them), relative to the ``detente`` package.
_CODE = ("yamlio.py", "_yamlparse.py", "errors.py")
# The libraries that parse and hold the records (their versions change what is stored).
_LIBRARIES = ("yaml", "pydantic", "pydantic_core")


def cache_enabled() -> bool:
    """False when ``DETENTE_NO_CACHE`` is set to anything but ``0`` or the empty string."""
    return os.environ.get("DETENTE_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """The folder the cache lives in (see the module's *Environment*)."""
    explicit = os.environ.get("DETENTE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "detente"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "detente"


def world_key(package: Path | None = None) -> str:
    """The hex key of the built-in world as the installed package (or the ``detente`` package
    folder ``package``) defines it."""
    import detente

    # the package's folder (what importlib.resources.files gives for an installed package, without
    # importing importlib's resource readers)
    package = package or Path(detente.__file__).parent
    digest = _blake2b(digest_size=20)
    for part in (f"format {FORMAT}", detente.__version__, sys.version, *_libraries()):
        digest.update(part.encode() + b"\0")
    data = package / "data" / "world"
    code = sorted((package / "world").glob("*.py")) + [package / name for name in _CODE]
    files = sorted(p for p in data.rglob("*") if p.is_file()) + code
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        content = path.read_bytes()
        digest.update(len(content).to_bytes(8, "little") + content)
    return digest.hexdigest()


def _libraries() -> list[str]:
    """Where each library that reads or holds the world is installed, with its main file's size
    and time: an upgrade changes them. (Found without importing: ``yaml`` is not needed on a
    cache hit, and ``importlib.metadata`` costs more than the world it would key.)"""
    out = []
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            out.append(f"{name}: not found")
            continue
        info = os.stat(origin)
        out.append(f"{name}: {origin} {info.st_size} {info.st_mtime_ns}")
    return out


def builtin_key() -> str | None:
    """:func:`world_key`, or ``None`` when the cache is disabled or the files cannot be read."""
    if not cache_enabled():
        return None
    try:
        return world_key()
    except OSError as exc:
        log.debug("world cache not used: %s", exc)
        return None


def _path(key: str, prefix: str = _PREFIX) -> Path:
    return cache_dir() / f"{prefix}{key}{_SUFFIX}"


def _trusted(path: Path) -> bool:
    """The file and its folder belong to this user and nobody else may write them (POSIX)."""
    if not hasattr(os, "getuid"):
        return True
    uid = os.getuid()
    for p in (path, path.parent):
        info = p.stat()
        if info.st_uid != uid or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
    return True


def load_builtin(key: str | None) -> World | None:
    """The built-in world cached under ``key`` (from :func:`builtin_key`), or ``None``: no key,
    or no such file, or one that is unreadable, untrusted or holds something else."""
    if key is None or not cache_enabled():
        return None
    from detente.world.model import World

    stored = _load(_path(key), pickle.loads)  # our own file (checked by _load)
    if stored is not None and _valid(stored, key) and isinstance(stored[2], World):
        world: World = stored[2]
        return world
    return None


def load_roster(key: str | None) -> Roster | None:
    """The built-in world's roster cached under ``key``, or ``None`` (as :func:`load_builtin`).

    The file is read by an unpickler that can build only the roster's classes and dates, so it
    needs no pydantic, and a foreign file cannot make it run anything.
    """
    if key is None or not cache_enabled():
        return None
    from detente.world.roster import Roster

    stored = _load(_path(key, _ROSTER_PREFIX), _load_plain)
    if stored is not None and _valid(stored, key) and isinstance(stored[2], Roster):
        roster: Roster = stored[2]
        return roster
    return None


def _load(path: Path, loads: Callable[[bytes], object]) -> object | None:
    try:
        if not path.is_file() or not _trusted(path):
            return None
        return loads(path.read_bytes())
    except Exception as exc:  # any fault: rebuild from the YAML
        log.debug("world cache not used: %s", exc)
        return None


def _valid(stored: object, key: str) -> TypeGuard[tuple[int, str, object]]:
    if isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (FORMAT, key):
        return True
    log.debug("world cache not used: the file under key %s holds something else", key)
    return False


#: What a roster file may build: the roster's own classes and dates (builtins need no lookup).
_PLAIN = {
    ("datetime", "date"),
    ("detente.world.roster", "Roster"),
    ("detente.world.roster", "Header"),
    ("detente.world.roster", "Body"),
    ("detente.world.roster", "Seat"),
}


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _PLAIN:
            raise pickle.UnpicklingError(f"a roster holds no {module}.{name}")
        return super().find_class(module, name)


def _load_plain(data: bytes) -> object:
    return _PlainUnpickler(io.BytesIO(data)).load()


def store_builtin(world: World, key: str | None) -> Path | None:
    """Write ``world`` as the built-in world cached under ``key``; the path, or ``None`` if
    nothing was written (no key, or the folder is not writable).

    ``world`` must be fresh from validation (its snapshot cache empty): what is stored is what
    every later process will load.
    """
    return _store(world, key, _PREFIX)


def store_roster(roster: Roster, key: str | None) -> Path | None:
    """Write the built-in world's roster under ``key`` (as :func:`store_builtin`)."""
    return _store(roster, key, _ROSTER_PREFIX)


def _store(value: object, key: str | None, prefix: str) -> Path | None:
    if key is None or not cache_enabled():
        return None
    tmp: str | None = None
    try:
        path = _path(key, prefix)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        payload = pickle.dumps((FORMAT, key, value), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(prefix=f".{prefix}", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent, prefix)
    except Exception as exc:  # the command works on, uncached
        log.debug("world cache not written: %s", exc)
        return None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return path


def _prune(folder: Path, prefix: str = _PREFIX) -> None:
    """Keep the :data:`KEEP` most recently written worlds, or rosters (other keys are other
    versions)."""
    found = []
    for p in folder.glob(f"{prefix}*{_SUFFIX}"):
        try:
            found.append((p.stat().st_mtime_ns, p))
        except OSError:
            continue
    for _, p in sorted(found, reverse=True)[KEEP:]:
        p.unlink(missing_ok=True)
