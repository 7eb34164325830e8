"""Issue 17, item 2: `purge` erases. The README's team set-up (a bare server, two clones), a normal `git fetch`,
another branch and a tag, the index built, documents and termly lists written; then `purge ID --confirm` on one
clone, and a scan of every object in the repository (reachable or not), every reflog, the index database and
out/ for every personal value of the plan."""
from __future__ import annotations

import contextlib
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import PLANS, git

PID = "EHCP-0002"


def _values(plan: dict) -> list[str]:
    child, parents = plan["child"], plan["parents"]
    vals = [child["name"], child["known_as"], child["address"], "2015-11-04", "1990-11-04"]
    for p in parents:
        vals += [p["name"], p["email"], p["phone"], p["address"]]
    return vals


def _every_personal_value(plan: dict) -> list[str]:
    """Every value the plan holds in a field of personal data (model/validation.py `personal`: the child, parents,
    professionals and caseworker, and every name, address, date of birth, email, phone, UPN and NHS number), and
    the name written in free text, each as its own string."""
    from ehcp_docs.model.validation import personal

    found: list[str] = []
    stack: list[tuple[object, list]] = [(plan, [])]
    while stack:
        v, path = stack.pop()
        if isinstance(v, dict):
            stack += [(x, [*path, k]) for k, x in v.items() if k not in ("relationship", "role")]
        elif isinstance(v, list):
            stack += [(x, [*path, i]) for i, x in enumerate(v)]
        elif isinstance(v, str) and personal(path):
            found.append(v)
    return sorted(set(found))


def _index_text(folder: Path) -> bytes:
    """Every value in every table of the index database, packed payloads unpacked (they are zlib-compressed: a
    scan of the file's bytes would not see a name inside them)."""
    import sqlite3
    import zlib

    out = b""
    for f in folder.rglob("*"):
        if not f.is_file() or f.suffix != ".sqlite3":
            out += f.read_bytes() if f.is_file() else b""
            continue
        db = sqlite3.connect(f"file:{f}?mode=ro", uri=True)
        try:
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    for cell in row:
                        if isinstance(cell, bytes):
                            with contextlib.suppress(zlib.error):
                                cell = zlib.decompress(cell)
                            out += cell + b"\0"
                        elif cell is not None:
                            out += str(cell).encode() + b"\0"
        finally:
            db.close()
    return out


def _all_objects(repo: Path) -> bytes:
    ids = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch-check=%(objectname)"],
                         capture_output=True, check=True).stdout
    return subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input=ids, capture_output=True,
                          check=True).stdout


def _files_text(folder: Path) -> bytes:
    out = b""
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            data = p.read_bytes()
            out += data
            if zipfile.is_zipfile(p):
                with zipfile.ZipFile(p) as z:
                    out += b"".join(z.read(n) for n in z.namelist())
    return out


@pytest.fixture
def team(ehcp, store_path: Path, tmp_path: Path):
    assert ehcp("add", PLANS / "EHCP-0001.yaml", PLANS / f"{PID}.yaml").exit_code == 0
    server = tmp_path / "server.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(store_path), str(server)], check=True)
    git(store_path, "remote", "add", "origin", str(server))
    git(store_path, "fetch", "-q", "origin")
    colleague = tmp_path / "colleague"
    subprocess.run(["git", "clone", "-q", str(server), str(colleague)], check=True)
    # documents, lists and the index, made while the plan was young enough to be on the lists
    assert ehcp("render", PID).exit_code == 0
    assert ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28").exit_code == 0
    assert ehcp("due", "--term", "spring-2027", "--today", "2026-11-28", "--format", "xlsx").exit_code == 0
    assert ehcp("overdue", "--today", "2026-11-28").exit_code in (0, 1)
    # the date of birth corrected by hand (a typing error): the plan is now past its retention period
    plan_file = store_path / "plans" / PID / "plan.yaml"
    plan_file.write_text(plan_file.read_text().replace("2015-11-04", "1990-11-04")
                         .replace("first_issued: '2021-02-15'", "first_issued: '2014-11-01'"))
    git(store_path, "commit", "-qam", f"{PID}: date of birth corrected")
    git(store_path, "branch", "old-work", "HEAD~1")
    git(store_path, "tag", "-a", "v1", "-m", "tagged", "HEAD~1")
    git(store_path, "push", "-q", "origin", "main")
    git(store_path, "fetch", "-q", "origin")
    assert (store_path / "out" / PID).is_dir()
    assert (store_path / ".git" / "ehcp-index").is_dir()
    return store_path, server, colleague


def test_purge_erases_every_trace_in_this_clone(ehcp, team):
    store, server, colleague = team
    plan = yaml.safe_load((PLANS / f"{PID}.yaml").read_text(encoding="utf-8"))
    values = [v.encode() for v in _values(plan)]
    assert any(v in _all_objects(store) for v in values)  # the scan would see them
    assert any(v in _files_text(store / "out") for v in values)
    r = ehcp("purge", PID, "--confirm")
    assert r.exit_code == 0, r.stderr
    assert f"Deleted out/{PID}/" in r.stderr
    assert "Deleted out/lists-spring-2027/health-icb.xlsx" in r.stderr
    assert "the server" in r.stderr
    objects = _all_objects(store)
    leaked = [v for v in values if v in objects]
    assert not leaked, leaked
    logs = _files_text(store / ".git" / "logs") if (store / ".git" / "logs").exists() else b""
    index = _files_text(store / ".git" / "ehcp-index") if (store / ".git" / "ehcp-index").exists() else b""
    out = _files_text(store / "out")
    for where, data in (("reflog", logs), ("index", index), ("out", out)):
        leaked = [v for v in values if v in data]
        assert not leaked, (where, leaked)
    assert not (store / "out" / PID).exists()
    refs = git(store, "for-each-ref", "--format=%(refname)").split()
    assert {"refs/heads/main", "refs/heads/old-work", "refs/remotes/origin/main", "refs/tags/v1"} <= set(refs)
    for ref in refs:
        assert f"plans/{PID}/" not in git(store, "log", "--name-only", "--format=", ref)
    assert subprocess.run(["git", "-C", str(store), "fsck", "--full"], capture_output=True).returncode == 0
    # the other plan and its lists are untouched; the server and the colleague's clone still hold the data
    assert "EHCP-0001" in ehcp("show", "EHCP-0001").stdout or ehcp("show", "EHCP-0001").exit_code == 0
    assert any(v in _all_objects(server) for v in values)
    assert any(v in _all_objects(colleague) for v in values)


def test_purge_today_in_the_future_is_refused(ehcp, store_path: Path, tmp_path: Path):
    text = (PLANS / f"{PID}.yaml").read_text(encoding="utf-8")
    young = tmp_path / f"{PID}.yaml"
    young.write_text(text)
    assert ehcp("add", young).exit_code == 0
    before = git(store_path, "rev-parse", "HEAD")
    far = (date.today() + timedelta(days=365 * 40)).isoformat()
    r = ehcp("purge", PID, "--confirm", "--today", far)
    assert r.exit_code == 2 and "is in the future" in r.stderr
    r = ehcp("purge", PID, "--confirm")
    assert r.exit_code == 1 and "retention period" in r.stderr
    assert git(store_path, "rev-parse", "HEAD") == before


def test_purge_after_the_readme_team_set_up_leaves_nothing_in_this_clone(ehcp, store_path: Path, tmp_path: Path):
    """The README's steps exactly: `git init --bare` server, the store's `remote add` and first `ehcp sync`, a
    colleague's `ehcp clone` who records a step and syncs, this clone's `sync` (a fetch: origin/main now holds the
    colleague's commit too); then purge here, and a scan of every object, every ref's history, the reflogs, the
    index database and out/ for every personal value of the plan."""
    from ehcp_docs.cli import cli

    def colleague_ehcp(*args: str):
        return CliRunner().invoke(cli, ["--store", str(colleague), *map(str, args)], catch_exceptions=False)

    assert ehcp("add", PLANS / "EHCP-0001.yaml", PLANS / f"{PID}.yaml").exit_code == 0
    server = tmp_path / "plan-store.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    git(store_path, "remote", "add", "origin", str(server))
    assert ehcp("sync").exit_code == 0
    colleague = tmp_path / "colleague"
    r = CliRunner().invoke(cli, ["clone", str(server), str(colleague)], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    assert colleague_ehcp("contribute", PID, "--from", "parent", "--text", "A note about Ollie.").exit_code == 0
    assert colleague_ehcp("sync").exit_code == 0
    assert ehcp("sync").exit_code == 0
    assert ehcp("render", PID).exit_code == 0
    assert ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28").exit_code == 0
    # past retention: the date of birth corrected by hand, committed and shared
    plan_file = store_path / "plans" / PID / "plan.yaml"
    plan_file.write_text(plan_file.read_text().replace("2015-11-04", "1990-11-04")
                         .replace("first_issued: '2021-02-15'", "first_issued: '2014-11-01'"))
    git(store_path, "commit", "-qam", f"{PID}: date of birth corrected")
    assert ehcp("sync").exit_code == 0
    git(store_path, "fetch", "-q", "origin")
    assert ehcp("lists", "--term", "spring-2027", "--today", "2026-11-28").exit_code == 0  # the index rebuilt
    assert ehcp("overdue", "--today", "2026-11-28").exit_code in (0, 1)
    plan = yaml.safe_load((PLANS / f"{PID}.yaml").read_text(encoding="utf-8"))
    other = (PLANS / "EHCP-0001.yaml").read_text(encoding="utf-8")
    personal = [v for v in _every_personal_value(plan) + ["1990-11-04", "A note about Ollie."] if v not in other]
    assert {"Oliver Brennan-Hayes", "Ollie", "Sinéad Brennan", "sinead.brennan@example.org", "07700 900212",
            "7 Chapel Lane, Exampleford, EX5 3RP", "2015-11-04", "Daniel Osei"} <= set(personal)
    values = [v.encode() for v in personal]

    def scans() -> dict[str, bytes]:
        gitdir = store_path / ".git"
        return {
            "objects": _all_objects(store_path),
            "reflogs": _files_text(gitdir / "logs") if (gitdir / "logs").exists() else b"",
            "index database": _index_text(gitdir / "ehcp-index") if (gitdir / "ehcp-index").exists() else b"",
            "out/": _files_text(store_path / "out") if (store_path / "out").exists() else b"",
            "the rest of .git": b"".join(f.read_bytes() for f in gitdir.rglob("*") if f.is_file() and not
                                         f.is_relative_to(gitdir / "objects")),
            "the working tree": b"".join(f.read_bytes() for f in store_path.rglob("*") if f.is_file() and not
                                         f.is_relative_to(gitdir)),
        }

    before = scans()
    for where in ("objects", "index database", "out/"):  # the scans can see what they look for
        assert [v for v in values if v in before[where]], where
    r = ehcp("purge", PID, "--confirm")
    assert r.exit_code == 0, r.stderr
    for where, data in scans().items():
        assert not [v for v in values if v in data], where
    for ref in git(store_path, "for-each-ref", "--format=%(refname)").split():
        assert f"plans/{PID}/" not in git(store_path, "log", "--name-only", "--format=", ref), ref
    # the colleague's clone and the server keep theirs until they act (the README says how)
    assert any(v in _all_objects(colleague) for v in values)
    assert any(v in _all_objects(server) for v in values)
