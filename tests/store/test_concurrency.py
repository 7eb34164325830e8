"""Nothing lost under concurrency and crashes: 4 processes x 25 mutations, and SIGKILL at random moments."""
import multiprocessing as mp
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, git
from ehcp_docs.casework import intake
from ehcp_docs.errors import Conflict
from ehcp_docs.store.core import Store

PLAN = FIXTURES / "minimal_plan.yaml"


def _plan(tmp: Path, pid: str) -> Path:
    f = tmp / f"{pid}.yaml"
    f.write_text(PLAN.read_text().replace("TEST-0001", pid))
    return f


def _worker(root: str, pid: str, n: int) -> int:
    store = Store.open(root)
    done = 0
    for i in range(n):
        text = store.read_file(f"plans/{pid}/plan.yaml").decode()
        text = text.replace("To be a vet", f"To be a vet ({i})", 1) if i == 0 else \
            text.replace(f"({i - 1})", f"({i})", 1)
        if intake.correct_plan(store, pid, text, "2025-01-01", None):
            done += 1
    store.close()
    return done


def test_four_processes_by_25_mutations_lose_nothing(store_path: Path, tmp_path: Path):
    ids = [f"C-{i}" for i in range(4)]
    s = Store.open(str(store_path))
    intake.add_plans(s, [_plan(tmp_path, p) for p in ids])
    s.close()
    before = int(git(store_path, "rev-list", "--count", "HEAD"))
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:
        counts = pool.starmap(_worker, [(str(store_path), p, 25) for p in ids])
    assert counts == [25, 25, 25, 25]
    assert int(git(store_path, "rev-list", "--count", "main")) == before + 100
    events = git(store_path, "log", "main", "--format=%(trailers:key=EHCP-Event,valueonly)").split()
    assert events.count("correction") == 100
    assert subprocess.run(["git", "-C", str(store_path), "fsck", "--no-dangling"], capture_output=True).returncode == 0
    assert not list((store_path / ".git").glob("*.lock"))
    assert git(store_path, "status", "--porcelain") == ""
    s = Store.open(str(store_path))
    assert [len(s.events(p)) for p in ids] == [26, 26, 26, 26]
    s.close()


def test_same_plan_race_gives_a_clear_error_and_loses_nothing(store_path: Path, tmp_path: Path):
    s1 = Store.open(str(store_path))
    intake.add_plans(s1, [_plan(tmp_path, "R-1")])
    s2 = Store.open(str(store_path))
    seen = intake.latest_commit(s1, "R-1")
    base = s1.read_file("plans/R-1/plan.yaml").decode()
    intake.correct_plan(s1, "R-1", base.replace("To be a vet.", "First."), "2025-01-01", seen)
    with pytest.raises(Conflict, match="changed since you opened it"):
        intake.correct_plan(s2, "R-1", base.replace("To be a vet.", "Second."), "2025-01-01", seen)
    assert s2.plan("R-1")["sections"]["A"]["aspirations"] == "First."
    s1.close(), s2.close()


def _kill_at_random(cmd: list[str], env: dict, delay: float) -> None:
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait()



def test_sigkill_during_add_leaves_before_or_after(store_path: Path, tmp_path: Path):
    rng = random.Random(7)
    env = dict(os.environ)
    ehcp = [sys.executable, "-m", "ehcp_docs", "--store", str(store_path)]
    for i in range(30):
        pid = f"K-{i}"
        f = _plan(tmp_path, pid)
        _kill_at_random(ehcp + ["add", str(f)], env, rng.uniform(0.05, 0.6))
        check = subprocess.run(ehcp + ["doctor"], env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        present = (store_path / "plans" / pid / "plan.yaml").exists()
        committed = bool(git(store_path, "ls-tree", "HEAD", f"plans/{pid}/plan.yaml").strip())
        assert present == committed, f"kill {i}: plan {pid} half there"
        if committed:
            assert git(store_path, "ls-tree", "HEAD", f"plans/{pid}/events.jsonl").strip()
        assert git(store_path, "status", "--porcelain") == ""
    assert subprocess.run(["git", "-C", str(store_path), "fsck"], capture_output=True).returncode == 0


def test_sigkill_during_amend_issue_leaves_before_or_after(store_path: Path, tmp_path: Path):
    """Kill `ehcp amend issue` at random moments: the plan in force is wholly old or wholly new."""
    import yaml

    rng = random.Random(11)
    env = dict(os.environ)
    ehcp = [sys.executable, "-m", "ehcp_docs", "--store", str(store_path)]
    for i in range(30):
        pid = f"A-{i}"
        subprocess.run(ehcp + ["add", str(_plan(tmp_path, pid))], env=env, check=True, capture_output=True)
        proposal = tmp_path / f"{pid}-proposed.yaml"
        proposal.write_text(_plan(tmp_path, pid).read_text().replace("once a week in term time", "twice a week"))
        subprocess.run(ehcp + ["amend", "propose", pid, "--file", str(proposal), "--date", "2026-11-02",
                               "--context", "outside-review", "--no-evidence", "none", "--out",
                               str(tmp_path / "out")],
                       env=env, check=True, capture_output=True)
        _kill_at_random(ehcp + ["amend", "issue", pid, "--date", "2026-11-20", "--out", str(tmp_path / "out")],
                        env, rng.uniform(0.05, 1.2))
        check = subprocess.run(ehcp + ["doctor"], env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        plan = yaml.safe_load(git(store_path, "show", f"HEAD:plans/{pid}/plan.yaml"))
        freq = plan["sections"]["F"]["provision"][0]["frequency"]
        proposed_left = bool(git(store_path, "ls-tree", "HEAD", f"plans/{pid}/proposed.yaml").strip())
        assert (freq, proposed_left) in {("once a week in term time", True), ("twice a week", False)}, f"kill {i}"
        assert git(store_path, "status", "--porcelain") == ""
    assert subprocess.run(["git", "-C", str(store_path), "fsck"], capture_output=True).returncode == 0
