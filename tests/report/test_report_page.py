"""``detente report`` through the real entry point, and the page opened in a headless browser.

The command runs in-process (``detente.cli.main`` with argv, as ``python -m detente`` calls it):
a subprocess would only add the interpreter's start-up, which tests/experiments/test_cli_explain.py
covers for ``python -m detente``.

The browser is Debian's chromium driven by Selenium (``.ci/run`` installs both; nothing is
downloaded at run time). Without a chromium binary the browser test skips and says why; CI
installs it, so there it runs.
"""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pytest
from tests.cli import invoke

EPISODE_DATA = Path(__file__).resolve().parents[2] / "src" / "detente" / "data" / "episodes"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
CHROMEDRIVER = shutil.which("chromedriver")
SECTIONS = (
    "network", "capabilities", "forecasts", "explanations", "backtest", "simulation",
    "bibliography",
)  # fmt: skip


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    episodes = tmp_path_factory.mktemp("episodes")
    for name in ("engagement.yaml", "basing.yaml"):
        shutil.copy(EPISODE_DATA / name, episodes / name)
    code, out_text, err = invoke(
        "report",
        "--out",
        out,
        "--runs",
        "5",
        "--dpi",
        "40",
        "--seed",
        "3",
        "--title",
        "Test <report>",
        "--simulation",
        "2009",
        "2009",
        "--simulation-runs",
        "10",
        "--simulation-kind",
        "collective-security",
        "--no-simulation-calibrate",
        "--simulation-lens",
        "realist",
        # two of the built-in episode files keep the backtest section quick (the whole set is the
        # default; its scores are tested in tests/experiments)
        "--episodes",
        episodes,
    )
    assert code == 0, err
    assert "report written to" in out_text
    return out / "report.html"


def test_page_is_self_contained_and_complete(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "<title>Test &lt;report&gt;</title>" in text  # the title is escaped, not injected
    for section in SECTIONS:
        assert f'id="{section}"' in text
    # no external resources: every image is inline, no script or stylesheet is fetched
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<script" not in text
    images = re.findall(r'<img class="report-figure" src="([^"]+)"', text)
    assert len(images) >= 12
    assert all(u.startswith("data:image/png;base64,") and len(u) > 1000 for u in images)
    assert "Sources:" in text
    assert text.count('<li id="src-') >= 10
    # --no-simulation-calibrate reaches the simulation
    assert "under the realist lens (lens probabilities (not calibrated))" in text
    # no file left behind but the page
    assert [p.name for p in page.parent.iterdir()] == ["report.html"]


def test_refuses_to_overwrite_a_folder(tmp_path: Path) -> None:
    (tmp_path / "report.html").mkdir()
    code, _, err = invoke("report", "--out", tmp_path, "--runs", "5")
    assert code == 2
    assert "not a regular file" in err
    assert "Traceback" not in err
    assert stat.S_ISDIR((tmp_path / "report.html").stat().st_mode)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--highlight", "XXX"), "XXX"),
        (("--simulation-kind", "navy"), "--simulation-kind: unknown kind navy (known: alliance"),
        (("--simulation-lens", "marxist"), "marxist"),
        (("--no-simulation-calibrate",), "the stack decides only with calibrated probabilities"),
    ],
)
def test_bad_options_are_a_clear_error_before_any_work(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, _, err = invoke("report", "--out", tmp_path, *args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "report.html").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (CI installs Debian's chromium)")
def test_page_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    assert CHROMEDRIVER is not None, "chromium is installed but chromedriver is not"
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.get(page.as_uri())
        figures = driver.execute_script(
            "return Array.from(document.querySelectorAll('figure')).map(f => {"
            " const img = f.querySelector('img'); const svg = f.querySelector('svg');"
            " if (img) return [f.id, img.complete, img.naturalWidth, img.naturalHeight];"
            " if (svg) { const b = svg.getBBox(); return [f.id, true, b.width, b.height]; }"
            " return [f.id, false, 0, 0]; })"
        )
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        headings = driver.execute_script(
            "return Array.from(document.querySelectorAll('section')).map(s => s.id)"
        )
    finally:
        driver.quit()
    assert errors == []
    assert len(figures) >= 12
    empty = [f[0] for f in figures if not (f[1] and f[2] > 0 and f[3] > 0)]
    assert empty == []
    assert "fig-simulation-timeline" in [f[0] for f in figures]  # the event timeline, drawn
    assert tuple(headings) == SECTIONS
