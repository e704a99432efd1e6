"""Only regular files are read as input; only regular files are ever replaced by output.

The review found ``world schema -o /dev/null`` turning the real ``/dev/null`` into a regular
file, FIFOs read forever and ``/dev/zero`` read to 24 GB. Every node here is made in ``tmp_path``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from tests.cli import call_main

from detente.errors import InputError
from detente.forecast.table import read_table
from detente.output import OutputError, atomic_write, check_output
from detente.yamlio import read_text_file, yaml_files

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
TABLE = "Actor,Capability,Position,Salience\nA,1,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n"


def _fifo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def _device(tmp_path: Path) -> Path:
    if not IS_ROOT:
        pytest.skip("making a device node needs root")
    path = tmp_path / "devnull"
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same node as /dev/null
    return path


# ---- reading


@pytest.mark.parametrize("name", ["t.csv", "t.yaml", "w.yaml"])
def test_a_fifo_is_refused_not_read(tmp_path: Path, name: str) -> None:
    fifo = _fifo(tmp_path, name)  # nobody writes to it: reading it would block forever
    with pytest.raises(InputError, match=r"not a regular file \(a FIFO\)"):
        read_text_file(fifo)
    with pytest.raises(InputError, match="a FIFO"):
        yaml_files(fifo)
    with pytest.raises(InputError, match="a FIFO"):
        read_table(fifo)


@pytest.mark.parametrize("path", ["/dev/zero", "/proc/self/mem", "/proc/self/status"])
def test_devices_and_proc_entries_are_refused(path: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"{path} does not exist here")
    with pytest.raises(InputError, match="not a regular file"):
        read_text_file(Path(path))


def test_a_symlink_loop_is_named_as_such(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="link"):
        yaml_files(loop)


def test_cli_readers_refuse_special_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = _fifo(tmp_path, "f.yaml")
    for args in (
        ("world", "check", str(fifo)),
        ("forecast", str(fifo)),
        ("backtest", str(fifo), "--lens", "realist"),
        ("explain", "nato-csto-2009", "--lens", "realist", "--params", str(fifo)),
        ("world", "check", "/dev/zero"),
    ):
        code, _, err = call_main(capsys, *args)
        assert code == 2 and "not a regular file" in err and "Traceback" not in err, args


# ---- writing


def _kinds(path: Path) -> tuple[bool, bool, bool]:
    info = os.lstat(path)
    return stat.S_ISFIFO(info.st_mode), stat.S_ISCHR(info.st_mode), stat.S_ISLNK(info.st_mode)


def _write_commands(target: Path) -> list[tuple[str, ...]]:
    plot = ("forecast", "nato-csto-2009", "--runs", "5", "--sensitivity", "none")
    return [("world", "schema", "-o", str(target)), (*plot, "--plot", str(target))]


def test_no_command_replaces_a_fifo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = _fifo(tmp_path, "out.png")
    for args in _write_commands(fifo):
        code, _, err = call_main(capsys, *args)
        assert code == 2 and "a FIFO, not a regular file" in err, (args, err)
        assert _kinds(fifo) == (True, False, False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]  # no temporary file left


def test_no_command_replaces_a_device_node(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    node = _device(tmp_path)
    for args in _write_commands(node):
        code, _, err = call_main(capsys, *args)
        assert code == 2 and "a character device, not a regular file" in err, (args, err)
        assert _kinds(node) == (False, True, False)
        assert os.lstat(node).st_rdev == os.makedev(1, 3)


def test_a_symlink_is_written_through_and_kept(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "old.png"
    target.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(target.name)
    for args in _write_commands(link):
        code, _, err = call_main(capsys, *args)
        assert code == 0, err
        assert _kinds(link) == (False, False, True) and os.readlink(link) == "old.png"
        assert target.read_bytes() != b"old"
    assert target.read_bytes().startswith(b"\x89PNG")  # the last command wrote the plot


def test_a_folder_or_missing_folder_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="a folder, not a regular file"):
        check_output(tmp_path)
    with pytest.raises(OutputError, match="does not exist") as info:
        check_output(tmp_path / "missing" / "x.png")
    assert str(info.value).startswith(str(tmp_path / "missing" / "x.png"))  # the target, not a temp
    with pytest.raises(OutputError, match="standard output"):
        check_output("-")
    with pytest.raises(OutputError, match="File name too long"):
        check_output(tmp_path / ("a" * 300 + ".png"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
def test_a_read_only_folder_fails_naming_the_target(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match=r"ro/x\.json: cannot write it"):
            check_output(folder / "x.json")
    finally:
        folder.chmod(0o700)


def test_the_plot_path_is_checked_before_the_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.cli.forecast as cli_forecast

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the runs started before the plot path was checked")

    monkeypatch.setattr(cli_forecast, "build_report", never)
    (tmp_path / "file").write_text("")
    args = ("forecast", "nato-csto-2009", "--plot", str(tmp_path / "file" / "x.png"))
    code, _, err = call_main(capsys, *args)
    assert code == 2 and "file/x.png: cannot write it: Not a directory" in err


def test_a_full_device_is_refused_not_reported_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    code, _, err = call_main(capsys, "world", "schema", "-o", "/dev/full")
    assert code == 2 and "wrote" not in err and stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("partial")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def test_sigterm_and_sighup_remove_the_temporary_file(tmp_path: Path) -> None:
    import signal

    from detente import output

    for signum in (signal.SIGTERM, signal.SIGHUP):
        with pytest.raises(SystemExit) as info, output.atomic_path(tmp_path / "x.png") as tmp:
            tmp.write_bytes(b"half")
            output._on_signal(signum, None)
        assert info.value.code == 128 + signum
        assert list(tmp_path.iterdir()) == []


def test_a_table_file_that_is_a_device_is_named(tmp_path: Path) -> None:
    node = _device(tmp_path)
    with pytest.raises(InputError, match="a character device"):
        read_table(node)
    (tmp_path / "t.csv").write_text(TABLE)
    assert read_table(tmp_path / "t.csv").n == 3
