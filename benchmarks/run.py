"""`make bench`: times the real `ehcp` command on a synthetic LA store and writes benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py                         # 1,000 plans x 2 years (a few minutes)
    .venv/bin/python benchmarks/run.py --plans 20000 --years 5  # the full-size run
    .venv/bin/python benchmarks/run.py --scaling 1000,5000,20000 --years 5

Every operation runs as a subprocess of .venv/bin/ehcp (start-up included, as a caseworker sees it), several
times, and the median is reported, together with the same run's median of the raw operation underneath it (a
bare docxtpl render, `git log -- <path>`, parsing every plan file, ...) and the ratio between the two: ratios
hold on a noisy machine where absolute times do not. Peak memory is measured in one extra run of each command
through the same entry point (ehcp_docs.cli.main): the Python process's own peak (VmHWM) and the largest git
process it ran (RUSAGE_CHILDREN ru_maxrss; an upper bound, as a child's count starts from the memory of the
Python process that forked it). Commands without that split (add, batch) report os.wait4's ru_maxrss.

The store is built by benchmarks/make_store.py (reused when it already exists under benchmarks/stores/). Results
go between markers in RESULTS.md, one section per store size, so hand-written notes there are kept."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EHCP = str(BIN / "ehcp")
PY = sys.executable
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGETS = {  # operation key -> (target seconds or ratio, what)
    "due_warm": (1.0, "s"), "deadlines": (0.3, "s"), "log": (0.3, "s"), "show_at": (0.3, "s"),
    "diff": (0.3, "s"), "help": (0.2, "s"), "render": (1.5, "x"), "validate": (30.0, "s"),
    "batch": (60.0, "s per 1,000"), "peak_memory": (500.0, "MB"),
}
ENV = dict(os.environ, GIT_AUTHOR_NAME="Bench Caseworker", GIT_AUTHOR_EMAIL="bench@example.org",
           GIT_COMMITTER_NAME="Bench Caseworker", GIT_COMMITTER_EMAIL="bench@example.org", EHCP_INDEX="1",
           COLUMNS="120")
ENV.pop("EHCP_STORE", None)


# ---- running and timing ----------------------------------------------------------------------------------------
def run(cmd: list[str], *, env: dict | None = None, cwd: str | None = None, check: bool = True) -> tuple[float, int]:
    """Runs a command to completion; returns (wall seconds, peak RSS in KB of it and the children it waited for)."""
    t = time.perf_counter()
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=null, stderr=err, env=env or ENV, cwd=cwd)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        took = time.perf_counter() - t
        if check and p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"bench: {' '.join(cmd)[:200]} failed ({p.returncode}): "
                             f"{err.read().decode(errors='replace')[-800:]}")
    return took, usage.ru_maxrss


WRAP = """
import atexit, resource, sys
out = sys.argv[1]
def _report():
    # VmHWM: this process's own peak (ru_maxrss of SELF would include the parent's memory before exec)
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
    with open(out, "w") as f:
        f.write("%d %d" % (hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
atexit.register(_report)
sys.argv = ["ehcp"] + sys.argv[2:]
from ehcp_docs.cli import main
main()
"""


def wrapped(cmd: list[str], mem: Path) -> list[str]:
    """The same command through the console script's own entry point (ehcp_docs.cli.main) in the same Python,
    writing the Python process's own peak RSS and its git children's to `mem` at exit."""
    assert cmd[0] == EHCP
    return [PY, "-c", WRAP, str(mem), *cmd[1:]]


def timed(cmd: list[str], runs: int, *, warm: bool = True, env: dict | None = None, cwd: str | None = None,
          slow: float = 10.0) -> dict:
    """Median wall time over `runs` runs, after one warm-up run when `warm` (never counted); a single run when a
    run takes over `slow` seconds. For ehcp, one more run through `wrapped` splits the peak memory between
    Python and git (the only run, when not `warm`: the cold run is the one to measure)."""
    times, peaks, first_s = [], [], None
    if warm:
        first_s, m = run(cmd, env=env, cwd=cwd)
        peaks.append(m)
    mem_split = None
    with tempfile.TemporaryDirectory() as tmp:
        mem = Path(tmp) / "mem"

        def measured(c: list[str]) -> None:
            nonlocal mem_split
            t, m = run(wrapped(c, mem), env=env, cwd=cwd)
            peaks.append(m)
            if mem.exists():
                me, kids = map(int, mem.read_text().split())
                mem_split = (me / 1024, kids / 1024)
            return t

        if not warm:  # one cold run
            times.append(measured(cmd) if cmd[0] == EHCP else run(cmd, env=env, cwd=cwd)[0])
            first_s = times[0]
        while warm and len(times) < runs and not (times and times[-1] > slow):
            t, m = run(cmd, env=env, cwd=cwd)
            times.append(t)
            peaks.append(m)
        if warm and cmd[0] == EHCP:
            measured(cmd)
    return {"s": statistics.median(times), "runs": len(times), "min": min(times), "peak_kb": max(peaks),
            "mem_split": mem_split, "first_s": first_s}


def git_out(store: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(store), *args], capture_output=True, text=True, check=True).stdout


def ehcp_out(store: Path, *args: str) -> str:
    return subprocess.run([EHCP, "--store", str(store), *args], capture_output=True, text=True, check=True,
                          env=ENV).stdout


# ---- raw operations (the baselines) ----------------------------------------------------------------------------
RAW_PARSE_ALL = """
import sys, yaml
from pathlib import Path
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
n = 0
for f in sorted(Path(sys.argv[1], "plans").glob("*/plan.yaml")):
    yaml.load(f.read_bytes(), Loader=loader)
    n += 1
"""
RAW_PARSE_ONE = """
import sys, json, yaml
d = sys.argv[1]
yaml.load(open(d + "/plan.yaml", "rb").read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
[json.loads(l) for l in open(d + "/events.jsonl", encoding="utf-8") if l.strip()]
"""
RAW_RENDER = """
import pickle, sys
from docxtpl import DocxTemplate
ctx = pickle.load(open(sys.argv[1], "rb"))
tpl = DocxTemplate(sys.argv[2])
tpl.render(ctx, autoescape=True)
tpl.save(sys.argv[3])
"""


def render_context(store_path: Path, pid: str, tmp: Path) -> tuple[Path, Path]:
    """The template and the exact (cleaned) context `ehcp render` uses for plan ID, pickled for the bare render."""
    from ehcp_docs.documents import render as docrender
    from ehcp_docs.documents.letter_context import deadlines_for
    from ehcp_docs.documents.plan_context import plan_context
    from ehcp_docs.store.core import Store

    store = Store.open(str(store_path))
    try:
        plan, events = store.plan(pid), store.events(pid)
        d = deadlines_for(store, plan, events, date.today())
        ctx = plan_context(plan, la=store.config.la, layout="classic",
                           next_review_due=d.next_review_due.isoformat() if d.next_review_due else None)
        ctx["source_commit"] = store.head()[:10]
        ctx = docrender.clean_context(ctx)
        template = docrender.find_template("plan", store.root)
    finally:
        store.close()
    f = tmp / "context.pickle"
    f.write_bytes(pickle.dumps(ctx))  # our own data, for our own subprocess
    return template, f


# ---- picking plans -------------------------------------------------------------------------------------------
def pick_plans(store: Path, info: dict) -> dict:
    """A typical plan (median history length) with two plan versions, for log/show/diff/render."""
    lengths = []
    for d in sorted((store / "plans").iterdir()):
        if not d.is_dir() or (d / "proposed.yaml").exists():
            continue
        text = (d / "events.jsonl").read_text(encoding="utf-8")
        versions = [json.loads(line) for line in text.splitlines() if '"plan_blob"' in line]
        if len(versions) >= 2 and '"cease-decision"' not in text:
            lengths.append((text.count("\n"), d.name, versions))
        if len(lengths) >= 200:
            break
    lengths.sort()
    n, pid, versions = lengths[len(lengths) // 2]
    return {"pid": pid, "events": n, "at": versions[0]["date"], "blob": versions[0]["plan_blob"]}


# ---- the benchmark ---------------------------------------------------------------------------------------------
def ensure_store(plans: int, years: int, seed: int, rebuild: bool, stores: Path | None = None) -> tuple[Path, dict]:
    out = (stores or ROOT / "benchmarks" / "stores") / f"la-{plans}p-{years}y-s{seed}"
    marker = out / ".git" / "ehcp-bench-info.json"
    if out.exists() and marker.exists() and not rebuild:
        return out, json.loads(marker.read_text())
    print(f"bench: building a {plans}-plan, {years}-year store (benchmarks/make_store.py) ...", flush=True)
    t = time.perf_counter()
    p = subprocess.run([PY, str(ROOT / "benchmarks" / "make_store.py"), "--plans", str(plans), "--years",
                        str(years), "--seed", str(seed), "--out", str(out), "--json"], env=ENV,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"bench: make_store failed:\n{p.stderr[-2000:]}")
    info = json.loads(p.stdout)
    info["build_seconds"] = round(time.perf_counter() - t, 1)
    marker.write_text(json.dumps(info, indent=2))
    return out, info


def bench(store: Path, info: dict, runs: int, *, full: bool = True, batch: bool = True) -> dict:
    """Every operation on one store, ehcp against the raw operation it is compared with, in a fixed order (the
    index is deleted and rebuilt along the way); the batch, recording and add measurements are helpers."""
    today = info["end"]
    end = date.fromisoformat(info["end"])
    term = f"spring-{end.year + 1}" if end.month >= 9 else f"autumn-{end.year}"
    s = str(store)
    pick = pick_plans(store, info)
    pid, plan_dir = pick["pid"], str(store / "plans" / pick["pid"])
    print(f"bench: {store.name}: plan {pid} ({pick['events']} events), term {term}, today {today}", flush=True)
    res: dict = {"store": store.name, "plans": info["plans"], "years": info["years"], "commits": info["commits"],
                 "pid": pid, "pid_events": pick["events"], "term": term, "today": today, "ops": {}}
    ops = res["ops"]

    def op(key: str, label: str, ehcp_cmd: list[str], raw_label: str | None = None, raw_cmd: list[str] | None = None,
           *, warm: bool = True, env: dict | None = None, cwd: str | None = None, note: str = "") -> None:
        t0 = time.perf_counter()
        e = timed(ehcp_cmd, runs, warm=warm, env=env, cwd=cwd)
        r = timed(raw_cmd, runs, warm=True) if raw_cmd else None
        ops[key] = {"label": label, "s": e["s"], "runs": e["runs"], "peak_mb": e["peak_kb"] / 1024,
                    "python_mb": e["mem_split"][0] if e["mem_split"] else None,
                    "git_mb": e["mem_split"][1] if e["mem_split"] else None,
                    "raw_label": raw_label, "raw_s": r["s"] if r else None,
                    "ratio": (e["s"] / r["s"]) if r and r["s"] > 0 else None, "note": note,
                    "first_s": e["first_s"]}
        print(f"bench:   {label:<46} {e['s']:8.3f} s" + (f"   raw {r['s']:8.3f} s  x{e['s'] / r['s']:.2f}"
                                                         if r else "") +
              f"   peak {e['peak_kb'] / 1024:6.0f} MB" + (f" (python {e['mem_split'][0]:.0f}, git "
                                                           f"{e['mem_split'][1]:.0f})" if e["mem_split"] else "") +
              f"   ({time.perf_counter() - t0:.0f} s)", flush=True)

    E = [EHCP, "--store", s]
    gitlog_fmt = ("--format=%H%x1f%an%x1f%cI%x1f%s%x1f%(trailers:key=EHCP-Event,valueonly,separator=%x2C)%x1f"
                  "%(trailers:key=EHCP-Date,valueonly,separator=%x2C)%x1f"
                  "%(trailers:key=EHCP-Plan,valueonly,separator=%x2C)%x1e")
    op("help", "ehcp --help (start-up)", [EHCP, "--help"], "python -c pass", [PY, "-c", "pass"])
    op("deadlines", "ehcp deadlines ID", E + ["deadlines", pid, "--today", today],
       "python: parse this plan + journal", [PY, "-c", RAW_PARSE_ONE, plan_dir])
    shutil.rmtree(store / ".git" / "ehcp-index", ignore_errors=True)  # so the first run builds the index
    op("log", "ehcp log ID", E + ["log", pid], "git log -- plans/ID",
       ["git", "-C", s, "log", gitlog_fmt, "HEAD", "--", f"plans/{pid}"])
    ops["log"]["note"] = (f"first run, which builds the index of every plan's commits from the whole history: "
                          f"{ops['log']['first_s']:.1f} s (`ehcp maintenance` builds it ahead)")
    if full:
        op("log_plain", "ehcp log ID (EHCP_INDEX=0: git log)", E + ["log", pid], "git log -- plans/ID", None,
           warm=False, env=dict(ENV, EHCP_INDEX="0"))
        ops["log_plain"].update(raw_s=ops["log"]["raw_s"], ratio=ops["log_plain"]["s"] / ops["log"]["raw_s"])
    op("show_at", "ehcp show ID --at DATE", E + ["show", pid, "--at", pick["at"]],
       "git cat-file -p <plan blob>", ["git", "-C", s, "cat-file", "-p", pick["blob"]])
    diff_ok = subprocess.run([EHCP, "diff", "--help"], capture_output=True, env=ENV).returncode == 0
    if diff_ok:
        revs = git_out(store, "log", "-2", "--format=%H", "--", f"plans/{pid}/plan.yaml").split()
        op("diff", "ehcp diff ID (last two versions)", E + ["diff", pid], "git diff A B -- plan.yaml",
           ["git", "-C", s, "diff", revs[-1], revs[0], "--", f"plans/{pid}/plan.yaml"])
    # due: the first run of a day builds the snapshot; "warm" is every later run that day
    due_cmd = E + ["due", "--term", term, "--today", today]
    raw_all = [PY, "-c", RAW_PARSE_ALL, s]
    op("due_warm", "ehcp due --term (warm index)", due_cmd, "python: read+parse every plan.yaml", raw_all)
    days = [date.fromordinal(end.toordinal() + i).isoformat() for i in range(1, 30)]
    first = [run(E + ["due", "--term", term, "--today", d])[0] for d in days[: max(1, min(3, runs))]]
    ops["due_new_day"] = {"label": "ehcp due --term (first run of a new day)", "s": statistics.median(first),
                          "runs": len(first), "peak_mb": None, "raw_label": "python: read+parse every plan.yaml",
                          "raw_s": ops["due_warm"]["raw_s"],
                          "ratio": statistics.median(first) / ops["due_warm"]["raw_s"], "note": ""}
    print(f"bench:   {'ehcp due --term (first run of a new day)':<46} {ops['due_new_day']['s']:8.3f} s", flush=True)
    # the nightly job works the next days out ahead: a caseworker's first `due` of the day is then a warm one
    night = days[10]
    t, m = run(E + ["maintenance", "--today", night])
    ops["maintenance"] = {"label": "ehcp maintenance (nightly: the log index, and the calendar of 2 days)", "s": t,
                          "runs": 1, "peak_mb": m / 1024, "raw_label": None, "raw_s": None, "ratio": None,
                          "note": "packs new objects, writes the commit-graph, brings the log index up to date, and "
                                  "works out both days' due lists (this term and the next) and drift report"}
    print(f"bench:   {ops['maintenance']['label']:<46} {t:8.3f} s", flush=True)
    op("due_prepared", "ehcp due --term (first run of a day, after the nightly maintenance)",
       E + ["due", "--term", term, "--today", night], "python: read+parse every plan.yaml", raw_all)
    if full:
        noindex = dict(ENV, EHCP_INDEX="0")
        op("due_plain", "ehcp due --term (EHCP_INDEX=0: no index)", due_cmd, "python: read+parse every plan.yaml",
           raw_all, warm=False, env=noindex)
        cache = store / ".git" / "ehcp-index"
        shutil.rmtree(cache, ignore_errors=True)
        op("due_cold", "ehcp due --term (index rebuilt from nothing)", due_cmd,
           "python: read+parse every plan.yaml", raw_all, warm=False, note="first run after deleting the index")
        op("overdue_warm", "ehcp overdue (warm index)", E + ["overdue", "--today", today],
           "python: read+parse every plan.yaml", raw_all)
        shutil.rmtree(cache, ignore_errors=True)
        op("validate_cold", "ehcp validate --all (nothing checked before)", E + ["validate", "--all"],
           "python: read+parse every plan.yaml", raw_all, warm=False, note="first run after deleting the index")
        op("validate", "ehcp validate --all (files unchanged since last run)", E + ["validate", "--all"],
           "python: read+parse every plan.yaml", raw_all)
    with tempfile.TemporaryDirectory(prefix="ehcp-bench-") as tmp:
        tmp_p = Path(tmp)
        template, ctxfile = render_context(store, pid, tmp_p)
        op("render", "ehcp render ID (full plan)", E + ["render", pid, "--out", str(tmp_p / "out")],
           "python: bare docxtpl render, same template+context",
           [PY, "-c", RAW_RENDER, str(ctxfile), str(template), str(tmp_p / "bare.docx")])
        if batch:
            _batch_ops(ops, E, info, term, today, tmp_p)
        _record_op(ops, E, store, pid, today, runs)
        if full:
            _add_op(ops, store, tmp_p)
    res["peak_mb"] = max((max(o["python_mb"], o["git_mb"]) if o.get("python_mb") is not None else
                          (o["peak_mb"] or 0)) for k, o in ops.items())
    res["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return res


def _batch_ops(ops: dict, E: list[str], info: dict, term: str, today: str, tmp_p: Path) -> None:
    """`ehcp render --all` (one letter for every plan, or on a big store for the plans due in the term) and
    `ehcp lists`, each run once and reported per 1,000 documents (part of `bench`)."""
    n_docs = info["plans"] if info["plans"] <= 1500 else None
    cmd = E + ["render", "--all", "--doc", "what-happens-next", "--out", str(tmp_p / "batch")]
    if n_docs is None:
        cmd += ["--due-in", term, "--today", today]
    t, m = run(cmd)
    made = sum(1 for _ in (tmp_p / "batch").rglob("*.docx"))
    ops["batch"] = {"label": f"ehcp render --all{' --due-in TERM' if n_docs is None else ''} ({made:,} "
                             f"letters, {os.cpu_count()} processes)", "s": t,
                    "runs": 1, "peak_mb": m / 1024, "raw_label": "per 1,000 letters",
                    "raw_s": t / max(made, 1) * 1000, "ratio": None, "note": f"{made} documents"}
    print(f"bench:   {ops['batch']['label']:<46} {t:8.3f} s   ({t / max(made, 1) * 1000:.1f} s per 1,000)",
          flush=True)
    t, m = run(E + ["lists", "--term", term, "--today", today, "--out", str(tmp_p / "lists")])
    letters = sum(1 for _ in (tmp_p / "lists").rglob("*-letter.docx"))
    sheets = sum(1 for _ in (tmp_p / "lists").rglob("*.xlsx"))
    ops["lists"] = {"label": f"ehcp lists --term ({letters:,} settings' letters and {sheets:,} XLSX lists, "
                             f"{os.cpu_count()} processes)", "s": t, "runs": 1, "peak_mb": m / 1024,
                    "raw_label": "per 1,000 documents", "raw_s": t / max(letters + sheets, 1) * 1000,
                    "ratio": None, "note": ""}
    print(f"bench:   {ops['lists']['label']:<46} {t:8.3f} s", flush=True)


def _record_op(ops: dict, E: list[str], store: Path, pid: str, today: str, runs: int) -> None:
    """A recording command (one commit) against `git commit -a` of one changed file of the same plan (part of
    `bench`): each run is taken back with `git reset --hard`, so the store stays as built."""
    s = str(store)
    journal = store / "plans" / pid / "events.jsonl"
    rec, raw_rec = [], []
    for i in range(runs + 1):  # the first run warms up
        t, m = run(E + ["contribute", pid, "--from", "parent", "--text", "We would like more time outdoors.",
                        "--date", today])
        git_out(store, "reset", "-q", "--hard", "HEAD~1")
        rec += [(t, m)] if i else []
    for _ in range(runs):
        with open(journal, "a", encoding="utf-8") as f:
            f.write("\n")
        t0 = time.perf_counter()
        subprocess.run(["git", "-C", s, "commit", "-q", "-a", "-m", "raw"], check=True, env=ENV)
        raw_rec.append(time.perf_counter() - t0)
        git_out(store, "reset", "-q", "--hard", "HEAD~1")
    t, rt = statistics.median(x[0] for x in rec), statistics.median(raw_rec)
    ops["record"] = {"label": "ehcp contribute ID (a recording command: one commit)", "s": t, "runs": len(rec),
                     "peak_mb": max(x[1] for x in rec) / 1024, "raw_label": "git commit -a of one changed file",
                     "raw_s": rt, "ratio": t / rt, "note": ""}
    print(f"bench:   {ops['record']['label']:<46} {t:8.3f} s   raw {rt:8.3f} s  x{t / rt:.2f}", flush=True)


def _add_op(ops: dict, store: Path, tmp_p: Path) -> None:
    """`ehcp add` of every plan of the store in one commit, into a new store, against `git add` + `git commit`
    of the same files (part of `bench`)."""
    files = tmp_p / "files"
    files.mkdir()
    for d in sorted((store / "plans").iterdir()):
        if (d / "plan.yaml").is_file():
            shutil.copyfile(d / "plan.yaml", files / f"{d.name}.yaml")
    names = sorted(p.name for p in files.iterdir())
    new = tmp_p / "new-store"
    run([EHCP, "--author", "Bench <bench@example.org>", "init", str(new)])
    t, m = run([EHCP, "--store", str(new), "add", *names], cwd=str(files))
    raw = tmp_p / "raw-repo"
    subprocess.run(["git", "init", "-q", str(raw)], check=True)
    for n in names:
        (raw / "plans" / n[:-5]).mkdir(parents=True)
        shutil.copyfile(files / n, raw / "plans" / n[:-5] / "plan.yaml")
    t0 = time.perf_counter()
    subprocess.run(["git", "-C", str(raw), "add", "plans"], check=True, env=ENV)
    subprocess.run(["git", "-C", str(raw), "commit", "-q", "-m", "add"], check=True, env=ENV)
    traw = time.perf_counter() - t0
    ops["add"] = {"label": f"ehcp add of {len(names):,} plans (one commit)", "s": t, "runs": 1,
                  "peak_mb": m / 1024, "raw_label": "git add + git commit of the same files",
                  "raw_s": traw, "ratio": t / traw, "note": ""}
    print(f"bench:   {ops['add']['label']:<46} {t:8.3f} s   raw {traw:8.3f} s  x{t / traw:.2f}   "
          f"peak {m / 1024:6.0f} MB", flush=True)


# ---- machine and report -------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        pass
    gitv = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "git": gitv, "os": f"{platform.system()} {platform.release()}",
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


ORDER = ["help", "deadlines", "log", "log_plain", "show_at", "diff", "due_warm", "due_new_day", "maintenance",
         "due_prepared", "due_plain", "due_cold", "overdue_warm", "validate", "validate_cold", "render", "batch",
         "lists", "record", "add"]
PER_1000 = {"batch", "lists"}  # compared across sizes by their seconds per 1,000 documents
SHORT = {"due_warm": "ehcp due --term, warm index", "due_new_day": "ehcp due --term, first run of a day",
         "due_plain": "ehcp due --term, no index", "due_cold": "ehcp due --term, index rebuilt from nothing",
         "log_plain": "ehcp log ID, no index (git log)", "add": "ehcp add (every plan, one commit)",
         "validate": "ehcp validate --all, unchanged files", "validate_cold": "ehcp validate --all, nothing cached",
         "render": "ehcp render ID", "diff": "ehcp diff ID", "overdue_warm": "ehcp overdue, warm index",
         "maintenance": "ehcp maintenance (nightly)", "due_prepared": "ehcp due --term, first run after maintenance",
         "batch": "ehcp render --all, per 1,000 letters", "lists": "ehcp lists, per 1,000 documents",
         "record": "ehcp contribute ID (one commit)"}
TARGET_OF = {"help": "< 0.2 s", "deadlines": "< 0.3 s", "log": "< 0.3 s", "show_at": "< 0.3 s", "diff": "< 0.3 s",
             "due_warm": "< 1 s", "due_prepared": "< 1 s", "validate": "< 30 s", "validate_cold": "< 30 s",
             "render": "< 1.5x bare", "batch": "< 60 s per 1,000"}


def met(key: str, o: dict) -> str:
    if key not in TARGET_OF:
        return ""
    if key == "render":
        return "yes" if o["ratio"] is not None and o["ratio"] < 1.5 else "NO"
    if key == "batch":
        return "yes" if o["raw_s"] < 60 else "NO"
    limit = float(re.search(r"[\d.]+", TARGET_OF[key]).group())
    return "yes" if o["s"] < limit else "NO"


def section(res: dict, mach: dict, info: dict) -> str:
    lines = [f"### {res['plans']:,} plans x {res['years']} years ({res['commits']:,} commits), seed {info['seed']}",
             "",
             f"Machine: {mach['nproc']} cores, {mach['cpu']}, {mach['memory']} RAM, {mach['os']}; Python "
             f"{mach['python']}; {mach['git']}. Run {mach['date']}. Store built in "
             f"{info.get('build_seconds', info.get('seconds', {}).get('total', '?'))} s "
             f"({json.dumps(info.get('seconds', {}))}). Typical plan {res['pid']} ({res['pid_events']} journal "
             f"events); term {res['term']}; --today {res['today']}.",
             "",
             "| operation | ehcp (median) | raw operation (same run) | raw | ratio | peak MB: python / git "
             "| target | met |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    for key in ORDER:
        o = res["ops"].get(key)
        if not o:
            if key == "diff":
                lines.append("| ehcp diff | - | (command not available in this build) | | | | < 0.3 s | skipped |")
            continue
        raw = f"{o['raw_s']:.3f} s" if o["raw_s"] is not None else ""
        ratio = f"{o['ratio']:.2f}x" if o["ratio"] is not None else ""
        peak = f"{o['peak_mb']:.0f}" if o["peak_mb"] else ""
        if o.get("python_mb") is not None:
            peak = f"{o['python_mb']:.0f} / {o['git_mb']:.0f}"
        lines.append(f"| {o['label']} | {o['s']:.3f} s (n={o['runs']}) | {o['raw_label'] or ''} | {raw} | {ratio} "
                     f"| {peak} | {TARGET_OF.get(key, '')} | {met(key, o)} |")
    lines.append(f"| peak memory of any command | {res['peak_mb']:.0f} MB | | | | | < 500 MB | "
                 f"{'yes' if res['peak_mb'] < 500 else 'NO'} |")
    notes = [f"- {o['label']}: {o['note']}" for k in ORDER if (o := res["ops"].get(k)) and o.get("note")]
    if notes:
        lines += [""] + notes
    lines += ["", f"<!-- data {json.dumps({'res': res, 'machine': mach, 'info': info})} -->"]
    return "\n".join(lines)


def write_section(key: str, body: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start, end = f"<!-- bench:start {key} -->", f"<!-- bench:end {key} -->"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def scaling_table() -> str:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    runs = []
    for m in re.finditer(r"<!-- data (\{.*?\}) -->", text):
        d = json.loads(m.group(1))["res"]
        if d["years"] == 5 or len(runs) < 1:
            runs.append(d)
    runs = sorted({(r["plans"], r["years"]): r for r in runs if r["years"] == 5}.values(), key=lambda r: r["plans"])
    if len(runs) < 2:
        return "(run `benchmarks/run.py --scaling 1000,5000,20000 --years 5` to fill this table)"
    head = "| operation | " + " | ".join(f"{r['plans']:,} plans ({r['commits']:,} commits)" for r in runs) + \
        " | growth, smallest to largest |"
    lines = [head, "| --- |" + " ---: |" * len(runs) + " --- |"]
    for key in ORDER:
        vals = [r["ops"].get(key) for r in runs]
        if not all(vals):
            continue
        secs = [v["raw_s"] if key in PER_1000 else v["s"] for v in vals]
        lines.append(f"| {SHORT.get(key, vals[0]['label'])} | "
                     + " | ".join(f"{x:.3f} s" for x in secs) + f" | x{secs[-1] / secs[0]:.1f} |")
    lines.append("| peak memory | " + " | ".join(f"{r['peak_mb']:.0f} MB" for r in runs) + " | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5, help="runs per operation (median reported)")
    ap.add_argument("--scaling", help="comma-separated plan counts: the main benchmarks at each size")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the store even if it exists")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    a = ap.parse_args(argv)
    # An installed package runs from compiled bytecode (pip compiles it at install; an editable install writes
    # it on first import). Where PYTHONDONTWRITEBYTECODE is set, ehcp's own modules would be compiled from source
    # on every command while docxtpl's are not: compile them once, as an install would.
    import compileall

    compileall.compile_dir(str(ROOT / "ehcp_docs"), quiet=1)
    mach = machine()
    sizes = [int(x) for x in a.scaling.split(",")] if a.scaling else [a.plans]
    for n in sizes:
        store, info = ensure_store(n, a.years, a.seed, a.rebuild)
        res = bench(store, info, a.runs, full=True, batch=True)
        body = section(res, mach, info)
        if not a.no_write:
            write_section(f"{n}p-{a.years}y-s{a.seed}", body)
    if not a.no_write:
        write_section("scaling", "### Scaling (5-year stores)\n\n" + scaling_table())
        print(f"bench: results written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
