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


#: Every command that writes a file or a folder, with ``{t}`` for the output path and ``{table}``
#: / ``{episodes}`` for small inputs; the suffix each needs. Each must refuse an existing FIFO or
#: device node at its output path (before any work) and never replace a symlink.
QUICK = "--runs 5 --sensitivity none"
WRITERS: dict[str, tuple[str, str]] = {
    "world schema -o": ("world schema -o {t}", ".json"),
    "forecast --plot": ("forecast {table} " + QUICK + " --plot {t}", ".png"),
    "forecast --csv": ("forecast {table} " + QUICK + " --csv {t}", ".csv"),
    "forecast --save": ("forecast {table} " + QUICK + " --save {t}", ""),
    "backtest --plot": ("backtest {episodes} --lens realist --plot {t}", ".png"),
    "sweep --save": (
        "sweep {table} --factor perturbation.dropout=0:0.1 --samples 2 --runs 5 --save {t}",
        "",
    ),
    "panel --out": ("panel state-years --from 2000 --to 2000 --out {t}", ".csv"),
    "report --out": ("report --runs 5 --out {t}", ""),
    "report.html in --out": ("report --runs 5 --out {folder}", ""),
}
#: Writers whose symlink case is cheap enough to run in full (the others do long work first).
CHEAP = ("world schema -o", "forecast --plot", "forecast --csv", "forecast --save", "panel --out")


def _argv(name: str, tmp_path: Path, target: Path) -> list[str]:
    (tmp_path / "t.csv").write_text(TABLE)
    (tmp_path / "e.yaml").write_text("episodes: []\n")
    line, _ = WRITERS[name]
    return line.format(
        t=target, table=tmp_path / "t.csv", episodes=tmp_path / "e.yaml", folder=target.parent
    ).split(" ")


def _node_path(name: str, tmp_path: Path) -> Path:
    if name == "report.html in --out":
        (tmp_path / "rep").mkdir()
        return tmp_path / "rep" / "report.html"
    return tmp_path / ("out" + WRITERS[name][1])


@pytest.mark.parametrize("name", list(WRITERS))
def test_no_writing_command_replaces_a_fifo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    node = _node_path(name, tmp_path)
    os.mkfifo(node)
    code, _, err = call_main(capsys, *_argv(name, tmp_path, node))
    assert code == 2 and "Traceback" not in err, (name, err)
    assert node.name in err or "--save" in err, err  # the message names the path it refused
    assert _kinds(node) == (True, False, False)
    assert not [p for p in node.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", list(WRITERS))
def test_no_writing_command_replaces_a_device_node(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    if not IS_ROOT:
        pytest.skip("making a device node needs root")
    node = _node_path(name, tmp_path)
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same node as /dev/null
    code, _, err = call_main(capsys, *_argv(name, tmp_path, node))
    assert code == 2 and "Traceback" not in err, (name, err)
    assert _kinds(node) == (False, True, False) and os.lstat(node).st_rdev == os.makedev(1, 3)


@pytest.mark.parametrize("name", list(WRITERS))
def test_no_writing_command_replaces_a_symlink(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    node = _node_path(name, tmp_path)
    folder_output = WRITERS[name][1] == "" and name != "report.html in --out"
    real = node.parent / ("real" + WRITERS[name][1])
    if folder_output:
        real.mkdir()
    else:
        real.write_bytes(b"old")
    node.symlink_to(real.name)
    if name not in CHEAP and folder_output:
        pytest.skip("writes through the link only after minutes of work (results.save, tested)")
    if name not in CHEAP:
        # a long command must refuse or write through; these refuse before any work
        code, _, err = call_main(capsys, *_argv(name, tmp_path, node))
        assert code == 2 and "Traceback" not in err, (name, err)
    else:
        code, _, err = call_main(capsys, *_argv(name, tmp_path, node))
        assert code == 0, (name, err)
        if folder_output:  # the results set went into the linked folder
            assert (real / "manifest.json").is_file()
        else:
            assert real.read_bytes() != b"old"
    assert node.is_symlink() and os.readlink(node) == real.name
    assert not [p for p in node.parent.iterdir() if p.name.endswith(".tmp")]


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


def test_a_results_set_is_written_through_a_linked_folder(tmp_path: Path) -> None:
    # what sweep --save and forecast --save do with a symlink to a folder (sweep runs too long
    # to test through the command): the link stays, the linked folder receives the set
    import pandas as pd

    from detente.experiments.results import ResultSet, load, save

    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to("real")
    frame = pd.DataFrame({"replicate": [0, 1], "x": [0.5, 1.5]})
    save(ResultSet({"kind": "test"}, {"experiments": frame, "outcomes": frame}), link)
    assert link.is_symlink() and os.readlink(link) == "real"
    assert load(link).manifest["kind"] == "test" and (real / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]
