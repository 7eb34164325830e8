"""Times diff_plans on a plan about five times a sample's size, against a raw DeepDiff of the same dicts.

Why: a caseworker diffs a plan whenever a proposal or notice is shown; the target is < 100 ms per diff on the
2-core box (library-pitfalls.md measured ~17 ms for DeepDiff alone on a 490-leaf plan keyed by id). The raw
DeepDiff ratio shows what our keying, normalising and sentence building cost on top.

Run: .venv/bin/python benchmarks/bench_diff.py [--runs N] [--times K] [--plan PATH]
Standalone (no pytest); the synthetic plan is built here from tests/fixtures/diff_base.yaml or --plan.
"""
from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deepdiff import DeepDiff  # noqa: E402  (benchmark compares against raw DeepDiff on purpose)

from ehcp_docs.fileio import load_document  # noqa: E402
from ehcp_docs.model.diffing import diff_plans  # noqa: E402
from ehcp_docs.model.plan import ITEM_LISTS  # noqa: E402

TARGET_MS = 100.0


def scale(plan: dict, times: int) -> dict:
    """`times` copies of every id'd list, ids suffixed and references rewritten, so the plan stays valid."""
    big = copy.deepcopy(plan)
    for sec, (lst, _noun) in ITEM_LISTS.items():
        items = (big.get("sections", {}).get(sec) or {}).get(lst) or []
        extra = []
        for n in range(1, times):
            for it in items:
                c = copy.deepcopy(it)
                c["id"] = f"{it['id']}x{n}"
                for ref in ("needs", "outcomes"):
                    if isinstance(c.get(ref), list):
                        c[ref] = [f"{r}x{n}" for r in c[ref]]
                for t in c.get("targets") or []:
                    t["id"] = f"{t['id']}x{n}"
                extra.append(c)
        items.extend(extra)
    return big


def amend(plan: dict) -> dict:
    """A realistic proposal: a few wording changes, a removal, an addition, a move and a target date change."""
    new = copy.deepcopy(plan)
    secs = new["sections"]
    prov = secs["F"]["provision"]
    for p in prov[::4]:
        p["frequency"] = "three times a week in term time"
    prov.insert(0, prov.pop())
    removed = prov.pop(len(prov) // 2)
    prov.append(dict(removed, id="FNEW", description="A new daily language programme."))
    for o in secs["E"]["outcomes"][::3]:
        for t in o.get("targets") or []:
            t["by_when"] = "2027-02-26"
    secs["A"]["about"] = secs["A"]["about"] + " New information from the review."
    secs["K"]["advice"].reverse()
    return new


def leaves(value: object) -> int:
    if isinstance(value, dict):
        return sum(leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaves(v) for v in value) or 1
    return 1


def time_ms(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm caches (schema titles) once, as a long-lived process would
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--times", type=int, default=5)
    ap.add_argument("--plan", type=Path, default=ROOT / "tests" / "fixtures" / "diff_base.yaml")
    args = ap.parse_args()
    base = load_document(args.plan)
    old = scale(base, args.times)
    new = amend(old)
    ours = time_ms(lambda: diff_plans(old, new), args.runs)
    raw = time_ms(lambda: DeepDiff(old, new), args.runs)
    n_changes = len(diff_plans(old, new))
    med, raw_med = statistics.median(ours), statistics.median(raw)
    print(f"plan: {args.plan.name} x{args.times} = {leaves(old)} leaves; {n_changes} changes reported")
    print(f"diff_plans: median {med:.1f} ms, min {min(ours):.1f} ms, max {max(ours):.1f} ms over {args.runs} runs")
    print(f"raw DeepDiff (positional lists): median {raw_med:.1f} ms; ratio {med / raw_med:.2f}x")
    verdict = "OK" if med < TARGET_MS else "OVER TARGET"
    print(f"target < {TARGET_MS:.0f} ms: {verdict}")
    return 0 if med < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
