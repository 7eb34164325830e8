"""Times the management-information commands (`sen2`, `stats annual-reviews`, `stats phase-transfers`,
`stats check`, `report`) on generated stores, first with the index deleted (cold) and then warm, and checks that
the pre-submission check is clean on them. Writes its own section of benchmarks/RESULTS.md.

Why: the issue's target is under 5 s for each on 20,000 plans with the index warm; a manager runs them a few
times a week, so the cold run (the first of a day, unless `ehcp maintenance` ran) is reported beside it.

Run: .venv/bin/python benchmarks/bench_returns.py [--plans 2000,20000] [--years 3] [--runs 3]
It uses (or builds) the stores of benchmarks/run.py: benchmarks/stores/la-<plans>p-<years>y-s1."""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import run as bench  # noqa: E402  (the same stores, environment and RESULTS.md writer)

TARGET_S = 5.0


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], runs: int) -> tuple[float, list[float], subprocess.CompletedProcess, float]:
    """Median wall time, every wall time, the last result, and the median CPU time (user + system) of the
    command: on a shared 2-core box the CPU time says what the command costs when it has a core to itself."""
    times, cpus, last = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), _cpu()
        last = subprocess.run(cmd, capture_output=True, text=True, env=bench.ENV)
        times.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
        if last.returncode not in (0, 1):
            raise SystemExit(f"bench_returns: {' '.join(cmd[3:])} failed: {last.stderr[-800:]}")
    assert last is not None
    return statistics.median(times), times, last, statistics.median(cpus)


def one_new_commit(store: Path, n: int) -> None:
    """One event on one plan, committed as a recording command would (a review meeting on the n-th plan)."""
    plans = sorted(p.name for p in (store / "plans").iterdir() if p.is_dir())
    pid = plans[(n * 7919) % len(plans)]
    journal = store / "plans" / pid / "events.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines()
    lines.append(json.dumps({"seq": len(lines) + 1, "event": "review-meeting", "date": "2026-10-29",
                             "recorded": "2026-10-29", "by": "Bench Caseworker"}))
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(store), "commit", "-qa", "-m", f"{pid}: review meeting recorded",
                    "-m", f"EHCP-Plan: {pid}\nEHCP-Event: review-meeting\nEHCP-Date: 2026-10-29"],
                   check=True, env=bench.ENV)


def measure(store: Path, info: dict, runs: int, cold: bool = True) -> dict:
    today = info["end"]
    end = date.fromisoformat(today)
    year = end.year if end.month >= 6 else end.year - 1
    census = f"{end.year + 1}-01-21"
    E = [bench.EHCP, "--store", str(store)]
    with tempfile.TemporaryDirectory(prefix="ehcp-bench-") as tmp:
        ops = {
            "sen2": ("ehcp sen2 --census D --format csv", E + ["sen2", "--census", census, "--format", "csv"]),
            "annual": ("ehcp stats annual-reviews --year Y --json",
                       E + ["stats", "annual-reviews", "--year", str(year), "--today", today, "--json"]),
            "transfers": ("ehcp stats phase-transfers --year Y --json",
                          E + ["stats", "phase-transfers", "--year", str(year + 1), "--today", today, "--json"]),
            "check": ("ehcp stats check --year Y", E + ["stats", "check", "--year", str(year), "--today", today,
                                                        "--json"]),
            "report": ("ehcp report --out FILE", E + ["report", "--today", today, "--out", f"{tmp}/report.html"]),
        }
        out: dict = {"plans": info["plans"], "years": info["years"], "commits": info["commits"], "today": today,
                     "year": year, "census": census, "ops": {}}
        if cold:
            shutil.rmtree(store / ".git" / "ehcp-index", ignore_errors=True)
        head = subprocess.run(["git", "-C", str(store), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        try:
            for n, (key, (label, cmd)) in enumerate(ops.items()):
                first, _, _, first_cpu = timed(cmd, 1)
                warm, times, last, warm_cpu = timed(cmd, runs)
                one_new_commit(store, n)
                after, _, _, after_cpu = timed(cmd, 1)
                out["ops"][key] = {"label": label, "cold_s": first if cold else None, "warm_s": warm,
                                   "runs": len(times), "cold_cpu": first_cpu if cold else None, "warm_cpu": warm_cpu,
                                   "first_s": first, "first_cpu": first_cpu, "after_s": after,
                                   "after_cpu": after_cpu}
                if key == "check":
                    result = json.loads(last.stdout)
                    out["check_ok"] = result["ok"]
                    out["check_failures"] = result["failures"]
                if key == "annual":
                    out["row"] = json.loads(last.stdout)
                print(f"bench_returns: {store.name}: {label:<44} first {first:7.2f} s   warm {warm:6.2f} s "
                      f"(CPU {warm_cpu:.2f} s)   after one commit {after:6.2f} s (CPU {after_cpu:.2f} s)",
                      flush=True)
        finally:  # the store as it was built (the index copes with any HEAD)
            subprocess.run(["git", "-C", str(store), "reset", "-q", "--hard", head], check=True)
    return out


def section(results: list[dict], mach: dict) -> str:
    lines = ["### Management information (`sen2`, `stats`, `report`)", "",
             f"Machine: {mach['nproc']} cores, {mach['cpu']}; Python {mach['python']}. Run {mach['date']} by "
             "`benchmarks/bench_returns.py`. First: the first run of the command (cold when the index was deleted "
             "before it: each command builds what it needs, the report also works the drift report out again for "
             "12 month ends; `--no-cold` keeps the index as the store's build left it); warm: the median of later "
             "runs, the plans unchanged; after one commit: the next run after one new event on one plan (each "
             "command after its own commit; the commits are reset at the end). CPU: user + system time of the "
             f"command (load average at the end of the run: {os.getloadavg()[0]:.1f} on {mach['nproc']} cores, "
             "so wall times are those of a shared box).", "",
             "| store | operation | first (CPU) | warm (median) | warm CPU | after one commit (CPU) | target | "
             "met: warm / after a commit (wall) |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in results:
        name = f"{r['plans']:,} plans x {r['years']} years ({r['commits']:,} commits)"
        for o in r["ops"].values():
            first = f"{o['first_s']:.2f} s ({o['first_cpu']:.1f} s){' cold' if o['cold_s'] is not None else ''}"
            lines.append(f"| {name} | {o['label']} | {first} | "
                         f"{o['warm_s']:.2f} s (n={o['runs']}) | {o['warm_cpu']:.2f} s | "
                         f"{o['after_s']:.2f} s ({o['after_cpu']:.2f} s) | < {TARGET_S:.0f} s | "
                         f"{'yes' if o['warm_s'] < TARGET_S else 'NO'} / "
                         f"{'yes' if o['after_s'] < TARGET_S else 'NO'} |")
    lines.append("")
    for r in results:
        row = r["row"]
        y = r["year"]
        lines.append(f"- {r['plans']:,} plans, {y} (as known on {r['today']}): `stats check` "
                     f"{'clean' if r['check_ok'] else 'FAILED: ' + json.dumps(r['check_failures'])[:300]}; "
                     f"expected {row[f'review_expected_{y}']}, completed {row[f'review_completed_{y}']}, "
                     f"decided within 4 weeks {row['decision_4_weeks']} and over {row['decision_over_4_weeks']} "
                     f"({row['decision_4_weeks_percent']}% within).")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", default="2000,20000")
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-cold", action="store_true", help="keep the index (the cold runs of 20,000 plans take "
                    "minutes each)")
    ap.add_argument("--stores", help="where the generated stores are kept (default benchmarks/stores)")
    a = ap.parse_args()
    results = []
    for n in (int(x) for x in a.plans.split(",")):
        store, info = bench.ensure_store(n, a.years, 1, False, Path(a.stores) if a.stores else None)
        results.append(measure(store, info, a.runs, cold=not a.no_cold))
    body = section(results, bench.machine())
    print(body)
    if not a.no_write:
        bench.write_section("returns", body)


if __name__ == "__main__":
    main()
