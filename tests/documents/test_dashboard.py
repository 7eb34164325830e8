"""The manager's dashboard (`ehcp report`): one self-contained HTML file whose charts are embedded PNGs with text
alternatives and tables, opened in a real headless browser that must render every chart with no console
errors and no network request (the page's Content-Security-Policy turns any request into a console error)."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from conftest import PLANS, ROOT

CHARTS = 6
ARTIFACTS = ROOT / "build" / "test-artifacts"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.tags: list[str] = []
        self.tables = 0
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        if tag == "table":
            self.tables += 1
        for k in ("src", "href", "action", "data"):
            if a.get(k) and not str(a[k]).startswith("data:"):
                self.urls.append(str(a[k]))


@pytest.fixture
def report(ehcp, tmp_path: Path) -> Path:
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    out = tmp_path / "report.html"
    r = ehcp("report", "--today", "2026-12-01", "--out", out, "--png", tmp_path / "png")
    assert r.exit_code == 0, r.stderr
    return out


def test_the_report_is_self_contained_with_text_alternatives_and_tables(report: Path):
    text = report.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    assert len(page.images) == CHARTS and page.tables == CHARTS
    assert page.urls == [] and "script" not in page.tags and "link" not in page.tags
    assert "url(" not in text and "@import" not in text
    assert "default-src 'none'" in text
    for img in page.images:
        assert len(str(img["alt"])) > 40
        data = base64.b64decode(str(img["src"]).split(",", 1)[1])
        with Image.open(BytesIO(data)) as im:
            assert im.format == "PNG" and im.size[0] >= 600
    # names never appear: plan ids only
    assert "Zoë" not in text and "Okafor" not in text


def test_png_export_is_the_same_charts(report: Path):
    pngs = sorted((report.parent / "png").glob("*.png"))
    assert [p.name for p in pngs] == ["01-decisions.png", "02-overdue.png", "03-due.png", "04-waiting.png",
                                      "05-transfers.png", "06-trend.png"]
    embedded = re.findall(r'src="data:image/png;base64,([^"]+)"', report.read_text(encoding="utf-8"))
    assert [base64.b64decode(e) for e in embedded] == [p.read_bytes() for p in pngs]


CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  var tables = document.querySelectorAll('table').length;
  document.body.setAttribute('data-rendered', ok + '/' + imgs.length + '/' + tables);
});
</script>"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_the_report_renders_in_a_headless_browser(report: Path, tmp_path: Path):
    browser = chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs it where it can)")
    # the copy the browser checks: the same page plus a script that counts the images that rendered (the CSP
    # is widened for that inline script only; images still may come only from the page itself)
    text = report.read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("style-src 'unsafe-inline'", "style-src 'unsafe-inline'; script-src "
                                  "'unsafe-inline'").replace("</body>", CHECK + "</body>"), encoding="utf-8")
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
              "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
              "--virtual-time-budget=5000", "--hide-scrollbars", "--window-size=1400,3200"]
    p = subprocess.run([*common, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert f'data-rendered="{CHARTS}/{CHARTS}/{CHARTS}"' in p.stdout
    console = [line for line in p.stderr.splitlines() if "CONSOLE" in line]
    assert console == []
    shot = tmp_path / "dashboard.png"
    s = subprocess.run([*common, f"--screenshot={shot}", report.as_uri()], capture_output=True, text=True,
                       timeout=120)
    assert s.returncode == 0 and shot.stat().st_size > 10_000
    assert [line for line in s.stderr.splitlines() if "CONSOLE" in line] == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "dashboard.png")  # kept for a person to look at


def test_a_page_that_reaches_the_network_is_caught(report: Path, tmp_path: Path):
    """The browser check above would notice a request: the same page with one outside image logs a CSP error."""
    browser = chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs it where it can)")
    bad = tmp_path / "bad.html"
    bad.write_text(report.read_text(encoding="utf-8").replace("</main>", '<img src="https://example.org/x.png" '
                                                              'alt="x"></main>'), encoding="utf-8")
    p = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
                        "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=3000", "--dump-dom",
                        bad.as_uri()], capture_output=True, text=True, timeout=120)
    assert any("CONSOLE" in line and "example.org" in line for line in p.stderr.splitlines())


def test_a_report_asked_again_is_read_back_without_drawing(report: Path, store_path: Path, tmp_path: Path):
    """The second report of the same day on unchanged plans comes from the index (store/index/answers.py) and its
    charts from their kept drawings: the same file, written by a process that never loads matplotlib."""
    import sys

    again = tmp_path / "again.html"
    code = ("import sys\nfrom ehcp_docs.cli import main\nsys.argv = ['ehcp', '--store', sys.argv[1], 'report', "
            "'--today', '2026-12-01', '--out', sys.argv[2]]\ntry:\n    main()\nexcept SystemExit as e:\n"
            "    assert not e.code, e.code\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n")
    r = subprocess.run([sys.executable, "-c", code, str(store_path), str(again)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"
    assert again.read_bytes() == report.read_bytes()
