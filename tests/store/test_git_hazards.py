"""Issue 17, items 3, 4 and 6: a store no colleague's committed file, or copied config, can subvert.

- a committed `.gitattributes` (`*.jsonl working-tree-encoding=UTF-16LE`) once made every journal committed after
  a clone mojibake; ehcp's `.git/info/attributes` takes precedence, and doctor and sync warn;
- a copied store's own config (`filter.x.clean`, `core.fsmonitor`, `remote.origin.uploadpack`) once ran programs
  on doctor, purge and sync: every git process ehcp starts overrides them, and doctor reports them;
- a committed `out` symlink once sent every document elsewhere, and doctor chmod-ed its target."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import PLANS, git, snapshot
from ehcp_docs.cli import cli

PID = "EHCP-0002"


def run(store: Path, *args: object):
    return CliRunner().invoke(cli, ["--store", str(store), *map(str, args)], catch_exceptions=False)


@pytest.fixture
def shared(ehcp, store_path: Path, tmp_path: Path):
    """A store with two plans pushed to a bare server (the README's team set-up)."""
    assert ehcp("add", PLANS / "EHCP-0001.yaml", PLANS / f"{PID}.yaml").exit_code == 0
    server = tmp_path / "server.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(store_path), str(server)], check=True)
    git(store_path, "remote", "add", "origin", str(server))
    git(store_path, "fetch", "-q", "origin")
    git(store_path, "branch", "-q", "--set-upstream-to=origin/main", "main")
    return store_path, server


@pytest.mark.parametrize("pattern", ["*.jsonl", "*.yaml", "*"])
def test_a_committed_gitattributes_cannot_change_how_journals_are_stored(shared, tmp_path: Path, pattern: str):
    store, server = shared
    (store / ".gitattributes").write_text(f"{pattern} working-tree-encoding=UTF-16LE\n")
    git(store, "add", ".gitattributes")
    git(store, "commit", "-qm", "attributes")
    git(store, "push", "-q", "origin", "main")
    victim = tmp_path / "victim"
    subprocess.run(["git", "clone", "-q", str(server), str(victim)], check=True)
    r = run(victim, "contribute", PID, "--from", "parent", "--text", "Ollie is doing well with the timetable.",
            "--date", "2026-11-20")
    assert r.exit_code == 0, r.stderr
    committed = subprocess.run(["git", "-C", str(victim), "show", f"HEAD:plans/{PID}/events.jsonl"],
                               capture_output=True, check=True).stdout
    lines = [json.loads(line) for line in committed.decode("utf-8").splitlines()]
    assert lines[-1]["event"] == "contribution" and "timetable" in lines[-1]["text"]
    plan = subprocess.run(["git", "-C", str(victim), "show", f"HEAD:plans/{PID}/plan.yaml"], capture_output=True,
                          check=True).stdout
    assert plan.decode("utf-8").startswith("#") or b"id: EHCP-0002" in plan
    for args in (("deadlines", PID, "--today", "2026-11-28"), ("due", "--term", "spring-2027", "--today",
                                                                 "2026-11-28"), ("log", PID)):
        r = run(victim, *args)
        assert r.exit_code == 0, (args, r.stderr)
    r = run(victim, "doctor")
    assert "a committed .gitattributes tries to change how ehcp's files are stored" in r.stdout
    assert "working-tree-encoding=UTF-16LE" in r.stdout
    assert "Traceback" not in r.stderr


def test_sync_warns_about_committed_attributes(shared, tmp_path: Path):
    store, server = shared
    colleague = tmp_path / "colleague"
    subprocess.run(["git", "clone", "-q", str(server), str(colleague)], check=True)
    (colleague / ".gitattributes").write_text("*.jsonl text eol=crlf\n")
    git(colleague, "add", ".gitattributes")
    git(colleague, "commit", "-qm", "attributes")
    git(colleague, "push", "-q", "origin", "main")
    r = run(store, "sync")
    assert r.exit_code == 0, r.stderr
    assert "warning: the team's store commits git attributes" in r.stderr and "eol=crlf" in r.stderr


def _counter(tmp_path: Path, name: str) -> tuple[Path, str]:
    log = tmp_path / f"ran-{name}"
    script = tmp_path / f"{name}.sh"
    script.write_text(f"#!/bin/sh\necho x >> '{log}'\ncat\n")
    script.chmod(0o700)
    return log, str(script)


def test_a_copied_stores_config_never_runs_programs(shared, tmp_path: Path):
    store, server = shared
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(store), str(copy)], check=True)
    filter_log, filter_cmd = _counter(tmp_path, "filter")
    fsmon_log, fsmon_cmd = _counter(tmp_path, "fsmonitor")
    pack_log, _ = _counter(tmp_path, "uploadpack")
    upload = tmp_path / "upload.sh"
    upload.write_text(f"#!/bin/sh\necho x >> '{pack_log}'\nexec git-upload-pack \"$@\"\n")
    upload.chmod(0o700)
    receive = tmp_path / "receive.sh"
    receive.write_text(f"#!/bin/sh\necho x >> '{pack_log}'\nexec git-receive-pack \"$@\"\n")
    receive.chmod(0o700)
    for key, value in (("filter.x.clean", filter_cmd), ("filter.x.smudge", filter_cmd),
                       ("filter.x.required", "true"), ("core.fsmonitor", fsmon_cmd),
                       ("remote.origin.uploadpack", str(upload)), ("remote.origin.receivepack", str(receive)),
                       ("diff.x.textconv", filter_cmd), ("core.pager", filter_cmd), ("core.editor", filter_cmd)):
        git(copy, "config", key, value)
    (copy / ".git" / "info").mkdir(exist_ok=True)
    (copy / ".git" / "info" / "attributes").write_text("* filter=x diff=x\n")
    os.utime(copy / "plans" / PID / "plan.yaml")  # make git look at the file's content
    r = run(copy, "doctor")
    assert r.exit_code == 1
    for key in ("filter.x.clean", "filter.x.smudge", "core.fsmonitor", "remote.origin.uploadpack",
                "remote.origin.receivepack", "diff.x.textconv", "core.pager", "core.editor"):
        assert f"sets {key}" in r.stdout, (key, r.stdout)
    assert "repaired: .git/info/attributes rewritten" in r.stdout
    r = run(copy, "contribute", PID, "--from", "parent", "--text", "A note.", "--date", "2026-11-20")
    assert r.exit_code == 0, r.stderr
    r = run(copy, "sync")
    assert r.exit_code == 0, r.stderr
    # purge: a plan past retention, committed by hand
    plan_file = copy / "plans" / PID / "plan.yaml"
    plan_file.write_text(plan_file.read_text().replace("2015-11-04", "1990-11-04")
                         .replace("first_issued: '2021-02-15'", "first_issued: '2014-11-01'"))
    subprocess.run(["git", "-c", "core.fsmonitor=false", "-C", str(copy), "commit", "-qam", "dob"], check=True)
    r = run(copy, "purge", PID, "--confirm")
    assert r.exit_code == 0, r.stderr
    r = run(copy, "sync")
    assert r.exit_code == 0, r.stderr
    ran = {p.name: len(p.read_text().splitlines()) for p in (filter_log, fsmon_log, pack_log) if p.exists()}
    assert ran == {}, ran


def _victim_with_out(tmp_path: Path, server: Path) -> Path:
    victim = tmp_path / "victim"
    subprocess.run(["git", "clone", "-q", str(server), str(victim)], check=True)
    (victim / "out").mkdir(mode=0o700)
    (victim / "out" / "letter.docx").write_bytes(b"my work")
    return victim


def test_sync_refuses_a_committed_out_symlink(shared, tmp_path: Path):
    store, server = shared
    victim = _victim_with_out(tmp_path, server)
    target = tmp_path / "elsewhere"
    target.mkdir()
    colleague = tmp_path / "colleague"
    subprocess.run(["git", "clone", "-q", str(server), str(colleague)], check=True)
    os.symlink(target, colleague / "out")
    git(colleague, "add", "out")
    git(colleague, "commit", "-qm", "out")
    git(colleague, "push", "-q", "origin", "main")
    before = snapshot(victim)
    r = run(victim, "sync")
    assert r.exit_code == 1
    assert "has a symbolic link at out" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(victim) == before
    assert (victim / "out" / "letter.docx").read_bytes() == b"my work"


@pytest.mark.parametrize("link", ["out", f"out/{PID}", f"plans/{PID}/evidence"])
def test_ehcp_never_writes_through_a_symlink(shared, tmp_path: Path, link: str):
    store, _ = shared
    target = tmp_path / "target"
    target.mkdir(mode=0o755)
    (store / link).parent.mkdir(parents=True, exist_ok=True)
    if (store / link).exists():
        shutil.rmtree(store / link)
    os.symlink(target, store / link)
    if link.startswith("out"):
        r = run(store, "render", PID)
    else:
        r = run(store, "review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20")
        assert r.exit_code == 0, r.stderr
        advice = tmp_path / "advice.pdf"
        advice.write_bytes(b"%PDF-1.4 advice")
        r = run(store, "review", "advice", PID, "--from", "setting", "--file", advice, "--date", "2026-10-22")
    assert r.exit_code == 1, r.stderr
    assert f"{link} is a symbolic link" in r.stderr and "Traceback" not in r.stderr
    assert list(target.iterdir()) == []
    r = run(store, "doctor")
    assert r.exit_code == 1
    assert f"problem: {link} is a symbolic link" in r.stdout
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o755  # doctor never chmods a link's target


def test_settings_included_from_another_file_never_run_and_doctor_names_the_include(shared, tmp_path: Path):
    """A copied store's .git/config can take its settings from any file (`include.path`): they are overridden like
    its own, and doctor names the include, which is where they must be removed."""
    store, _ = shared
    log, cmd = _counter(tmp_path, "included")
    evil = tmp_path / "evil.gitconfig"
    evil.write_text(f"[filter \"x\"]\n\tclean = {cmd}\n\tsmudge = {cmd}\n[core]\n\tfsmonitor = {cmd}\n"
                    f"\thooksPath = {tmp_path}\n[diff \"x\"]\n\ttextconv = {cmd}\n")
    (tmp_path / "pre-commit").write_text(f"#!/bin/sh\necho x >> '{log}'\n")
    (tmp_path / "pre-commit").chmod(0o700)
    git(store, "config", "include.path", str(evil))
    (store / ".git" / "info" / "attributes").write_text("* filter=x diff=x\n")
    os.utime(store / "plans" / PID / "plan.yaml")
    r = run(store, "doctor")
    assert r.exit_code == 1
    assert f"includes another file ({evil})" in r.stdout and "`git config --unset-all include.path`" in r.stdout
    for key in ("filter.x.clean", "core.fsmonitor", "core.hookspath", "diff.x.textconv"):
        assert f"sets {key}," in r.stdout, (key, r.stdout)
    for argv in (("contribute", PID, "--from", "parent", "--text", "A note.", "--date", "2026-11-20"),
                 ("log", PID), ("show", PID), ("sync",), ("doctor",)):
        r = run(store, *argv)
        assert r.exit_code in (0, 1) and "Traceback" not in r.stderr, (argv, r.stderr)
    assert not log.exists(), log.read_text()
