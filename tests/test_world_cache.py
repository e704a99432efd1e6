"""The per-user cache of the built-in world (detente.world.cache): same world, keyed by content,
ignored when stale, corrupt, foreign or disabled, and never a reason for a command to fail."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
from pathlib import Path

import pytest

import detente
from detente.world import World, cache, model

PACKAGE = Path(detente.__file__).resolve().parent


@pytest.fixture(scope="module")
def fresh() -> World:
    """The built-in world read and validated from its YAML (the cache bypassed)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DETENTE_NO_CACHE", "1")
        return model.builtin_world.__wrapped__()


def same_world(a: World, b: World) -> None:
    assert a.header == b.header
    assert a.counts() == b.counts()
    assert a.records() == b.records()
    assert a.sources == b.sources
    day = dt.date(2009, 9, 10)
    assert a.on(day).members("CSTO") == b.on(day).members("CSTO")


def test_a_stored_world_loads_back_equal(fresh: World, cache_folder: Path) -> None:
    key = cache.builtin_key()
    assert key is not None and cache.load_builtin(key) is None  # nothing there yet
    path = cache.store_builtin(fresh, key)
    assert path is not None and path.parent == cache_folder
    assert path.name == f"world-{key}.pickle"
    assert list(cache_folder.glob(".*.tmp")) == []  # written to a temporary name, then renamed
    loaded = cache.load_builtin(key)
    assert loaded is not None and loaded is not fresh
    same_world(loaded, fresh)


def test_builtin_world_uses_the_cache_once_stored(
    fresh: World, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.store_builtin(fresh, cache.builtin_key())

    def no_yaml() -> None:
        raise AssertionError("the YAML was read although the cache holds the world")

    monkeypatch.setattr("detente.world.loader.builtin_entries", no_yaml)
    same_world(model.builtin_world.__wrapped__(), fresh)


def test_the_key_follows_every_data_and_code_file(tmp_path: Path) -> None:
    copy = tmp_path / "detente"
    shutil.copytree(PACKAGE / "data" / "world", copy / "data" / "world")
    shutil.copytree(PACKAGE / "world", copy / "world", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("yamlio.py", "_yamlparse.py", "errors.py"):
        shutil.copy(PACKAGE / name, copy / name)
    base = cache.world_key(copy)
    assert base == cache.world_key(PACKAGE)  # content, not place, makes the key
    edits = [
        copy / "data" / "world" / "states.yaml",
        copy / "world" / "records.py",
        copy / "yamlio.py",
        copy / "_yamlparse.py",
    ]
    keys = set()
    for path in edits:
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        keys.add(cache.world_key(copy))
        path.write_bytes(original)
    assert cache.world_key(copy) == base and len(keys) == 4 and base not in keys
    (copy / "data" / "world" / "extra.yaml").write_text("states: []\n")  # a new file counts too
    assert cache.world_key(copy) != base


def test_a_stale_key_is_not_found(fresh: World, cache_folder: Path) -> None:
    cache.store_builtin(fresh, "0" * 40)
    assert cache.load_builtin("1" * 40) is None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle",
        pickle.dumps((cache.FORMAT, "other key", None)),
        pickle.dumps((cache.FORMAT + 1, "KEY", None)),
        pickle.dumps(["a", "list"]),
        pickle.dumps((cache.FORMAT, "KEY", {"not": "a world"})),
    ],
    ids=["empty", "garbage", "wrong-key", "old-format", "not-a-tuple", "not-a-world"],
)
def test_an_unreadable_or_foreign_file_is_ignored_and_replaced(
    fresh: World, cache_folder: Path, content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "a" * 40
    cache_folder.mkdir(mode=0o700)
    path = cache_folder / f"world-{key}.pickle"
    path.write_bytes(content.replace(b"KEY", key.encode()))
    assert cache.load_builtin(key) is None
    monkeypatch.setattr(cache, "builtin_key", lambda: key)
    rebuilt = model.builtin_world.__wrapped__()
    same_world(rebuilt, fresh)
    loaded = cache.load_builtin(key)  # the rebuilt world replaced the bad file
    assert loaded is not None
    same_world(loaded, fresh)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and modes")
def test_a_file_others_could_write_is_not_loaded(fresh: World, cache_folder: Path) -> None:
    key = cache.builtin_key()
    path = cache.store_builtin(fresh, key)
    assert path is not None and cache.load_builtin(key) is not None
    cache_folder.chmod(0o777)
    assert cache.load_builtin(key) is None
    cache_folder.chmod(0o700)
    path.chmod(0o666)
    assert cache.load_builtin(key) is None


def test_disabled_by_the_environment(
    fresh: World, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DETENTE_NO_CACHE", "1")
    assert cache.builtin_key() is None
    assert cache.store_builtin(fresh, "b" * 40) is None
    assert not cache_folder.exists()
    monkeypatch.setenv("DETENTE_NO_CACHE", "0")  # "0" means: not disabled
    assert cache.cache_enabled()


def test_an_unwritable_folder_only_means_no_cache(
    fresh: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("DETENTE_CACHE_DIR", str(blocker / "cache"))  # below a file: mkdir fails
    monkeypatch.delenv("DETENTE_NO_CACHE", raising=False)
    assert cache.store_builtin(fresh, "c" * 40) is None
    assert cache.load_builtin("c" * 40) is None


def test_only_the_newest_worlds_are_kept(fresh: World, cache_folder: Path) -> None:
    for i in range(cache.KEEP + 3):
        path = cache.store_builtin(fresh, f"{i:040d}")
        assert path is not None
        os.utime(path, ns=(i * 10**9, i * 10**9))  # distinct times whatever the clock's grain
    kept = sorted(p.name for p in cache_folder.glob("world-*.pickle"))
    assert len(kept) == cache.KEEP
    assert f"world-{cache.KEEP + 2:040d}.pickle" in kept and f"world-{0:040d}.pickle" not in kept


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DETENTE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "detente"


def test_the_key_follows_the_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    parts = cache._libraries()
    assert [p.split(":")[0] for p in parts] == ["yaml", "pydantic", "pydantic_core"]
    assert all("not found" not in p for p in parts)
    base = cache.world_key()
    monkeypatch.setattr(cache, "_libraries", lambda: [*parts[:2], "pydantic_core: upgraded"])
    assert cache.world_key() != base
