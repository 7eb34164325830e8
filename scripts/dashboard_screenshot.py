"""The README's picture of the dashboard: builds a synthetic store (benchmarks/make_store.py, fictional plans),
runs the real `ehcp report` on it, and photographs the page in headless Chromium.

    .venv/bin/python scripts/dashboard_screenshot.py [--plans 400] [--years 2] [--out docs/dashboard.png]"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
END = "2026-10-30"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=int, default=400)
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "docs" / "dashboard.png"))
    args = ap.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        sys.exit("dashboard_screenshot: no Chromium found (apt-get install chromium)")
    store = ROOT / "build" / f"screenshot-store-{args.plans}p-{args.years}y"
    if not (store / "ehcp.toml").exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_store.py"), "--plans", str(args.plans),
                        "--years", str(args.years), "--seed", "3", "--end", END, "--out", str(store)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "ehcp_docs", "--store", str(store), "report", "--today", END,
                        "--out", str(page)], check=True)
        shot = Path(tmp) / "shot.png"
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}/profile",
                        "--hide-scrollbars", "--window-size=1300,4300", "--virtual-time-budget=5000",
                        "--host-resolver-rules=MAP * ~NOTFOUND", f"--screenshot={shot}", page.as_uri()],
                       check=True, capture_output=True)
        from PIL import Image

        with Image.open(shot) as im:
            small = im.convert("RGB").resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS)
            small = small.quantize(colors=128)
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            small.save(out, optimize=True)
    print(f"dashboard_screenshot: wrote {out}")


if __name__ == "__main__":
    main()
