"""The one module that talks to git. Nothing else in the project imports git or runs it.

Writes go through GitPython. Reads (HEAD, files at a revision, blobs, trees, logs) go through one persistent
`git cat-file` per kind and plain git commands run here: GitPython costs 60 ms to import, a quarter of what
`ehcp show` or `ehcp render` take, and it is imported only when a command first writes.

Safety rules enforced here, because the store holds children's legal records:
- hooks, fsmonitor and signing programs are never run (`-c core.hooksPath=/dev/null` etc. on every call);
- user text never reaches git as an option: revisions go after `--end-of-options`, paths after `--` or through
  a NUL-separated pathspec file, and ids are validated before they are turned into paths;
- every write happens under one OS-level lock (GitPython moves branches without checking their old value, so
  concurrent processes would silently orphan commits), and HEAD is checked after each commit."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ehcp_docs.errors import Conflict, NotFound, StoreError

if TYPE_CHECKING:
    import git

SAFE_OPTIONS = ["core.hooksPath=/dev/null", "core.fsmonitor=false", "commit.gpgSign=false",
                "tag.gpgSign=false", "core.quotePath=false", "log.showSignature=false",
                "core.pager=cat", "diff.external=", "gc.auto=0", "maintenance.auto=false",
                "core.editor=:", "sequence.editor=:", "core.askPass=", "protocol.ext.allow=never",
                "core.untrackedCache=false", "submodule.recurse=false", "fetch.recurseSubmodules=false"]
# The store controls its own attributes: `.git/info/attributes` takes precedence over any committed
# `.gitattributes`, so ehcp's files are stored byte for byte. A colleague's `*.jsonl working-tree-encoding=UTF-16LE`
# once turned every journal committed after a clone into mojibake; `filter=x` runs a program on `git add`.
ATTRIBUTES = ("# Written by ehcp (do not edit): the store's files are stored byte for byte, whatever a committed\n"
              "# .gitattributes says: no filters, no encodings, no end-of-line conversion, no diff or merge programs.\n"
              "* -filter -text !eol -working-tree-encoding -ident !diff !merge\n"
              "# Journals and plans merge by meaning during `ehcp sync`: the drivers are defined on sync's own git\n"
              "# command line (gitstore.merge_driver_options), never read from .git/config.\n"
              "plans/*/events.jsonl merge=ehcp-journal\n"
              "plans/*/plan.yaml merge=ehcp-plan\n"
              "plans/*/proposed.yaml merge=ehcp-plan\n")
# What attributes a committed .gitattributes may not set on the store's files (doctor and sync warn about them).
GUARDED_ATTRIBUTES = ("filter", "text", "eol", "working-tree-encoding", "ident", "diff", "merge", "crlf")
# Settings in a store's own config (`.git/config`, copied with the store or written by anyone with access)
# that make git run a program or write elsewhere: each is overridden on every git command ehcp runs (the value
# given is the harmless one), and `doctor` reports it. For `remote.*.uploadpack`/`receivepack` git keeps the
# first value it reads, so `-c` cannot override them: sync passes `--upload-pack`/`--receive-pack` instead.
# `credential.helper` is the user's own business in their global config, so `sync` keeps the global helpers;
# the store's own are never used.
_PROGRAM_KEYS: tuple[tuple[str, str], ...] = (
    (r"filter\.[^=]+\.(clean|smudge|process)", ""), (r"filter\.[^=]+\.required", "false"),
    (r"diff\.[^=]+\.(textconv|command)", ""), (r"merge\.[^=]+\.driver", ""),
    (r"remote\.[^=]+\.uploadpack", "git-upload-pack"), (r"remote\.[^=]+\.receivepack", "git-receive-pack"),
    (r"core\.sshcommand", "ssh"), (r"core\.gitproxy", "none"), (r"core\.askpass", ""), (r"core\.worktree", "."),
    (r"core\.fsmonitor", "false"), (r"core\.hookspath", "/dev/null"), (r"core\.pager", "cat"),
    (r"pager\..+", "cat"), (r"core\.editor", ":"), (r"sequence\.editor", ":"), (r"gpg\.(.+\.)?program", ""),
    (r"credential\..*helper", ""), (r"uploadpack\.packobjectshook", ""), (r"core\.alternaterefscommand", ""),
    (r"diff\.external", ""),
    (r"core\.attributesfile", "/dev/null"), (r"ssh\.variant", "ssh"))
_PROGRAM_KEY = re.compile(r"^(" + "|".join(k for k, _ in _PROGRAM_KEYS) + r")$", re.IGNORECASE)
# Memory: git maps pack files in windows of up to 1 GiB and keeps up to 8 GiB mapped, and every page it touches
# counts in its resident size. Reading thousands of plans from a five-year store (a 1.2 GB pack) made one
# `git cat-file` 1.3 GB resident. Smaller windows under a lower limit keep any git process far below that, at no
# measurable cost (the pages stay in the OS's file cache either way). The delta-base cache keeps git's default
# (96 MB): halving it made reading every plan 40% slower, as the `plans` tree's delta chain was evicted.
MEMORY_OPTIONS = ["core.packedGitWindowSize=32m", "core.packedGitLimit=192m"]
# Stores are created with core.sharedRepository=0600, which makes git chmod every object it writes (8 s of
# system time for a 20,000-plan import). Commits run under umask 077, which gives the same private modes, so for
# them git is told to rely on the umask.
_PRIVATE_BY_UMASK = ("-c", "core.sharedRepository=umask")
BULK_PATHS = 500
_SHA = re.compile(r"^[0-9a-f]{4,40}$")
_REF = re.compile(r"^(HEAD|main|[A-Za-z0-9][A-Za-z0-9_./-]{0,100})(~[0-9]{1,6}|\^[0-9]?)*$")
FIELD, RECORD = "\x1f", "\x1e"
LOCK_TIMEOUT = float(os.environ.get("EHCP_LOCK_TIMEOUT", "30"))


COMMIT_FORMAT = FIELD.join(["%H", "%an", "%cI", "%s", "%(trailers:key=EHCP-Event,valueonly,separator=%x2C)",
                            "%(trailers:key=EHCP-Date,valueonly,separator=%x2C)",
                            "%(trailers:key=EHCP-Plan,valueonly,separator=%x2C)"]) + RECORD
WALK_FORMAT = FIELD.join(["%H", "%P", "%(trailers:key=EHCP-Event,valueonly,separator=%x2C)",
                          "%(trailers:key=EHCP-Plan,valueonly,separator=%x2C)"]) + RECORD


@dataclass(frozen=True)
class CommitInfo:
    commit: str
    author: str
    committed: str
    subject: str
    events: tuple[str, ...]
    date: str
    plans: tuple[str, ...]


@dataclass(frozen=True)
class WalkedCommit:
    """One commit of a walk: its parents and the EHCP-Event and EHCP-Plan trailers it carries."""
    commit: str
    parents: tuple[str, ...]
    events: tuple[str, ...]
    plans: tuple[str, ...]


def _csv(text: str) -> tuple[str, ...]:
    return tuple(x for x in text.strip().split(",") if x)


def _commit_infos(out: str) -> list[CommitInfo]:
    """The one parser of COMMIT_FORMAT records (log and commits)."""
    result = []
    for rec in out.split(RECORD):
        rec = rec.strip("\n")
        if rec:
            sha, author, committed, subject, events, date, plans = rec.split(FIELD)
            result.append(CommitInfo(sha, author, committed, subject, _csv(events), date.strip().split(",")[0],
                                     _csv(plans)))
    return result


def blob_sha(data: bytes) -> str:
    """git's object id for a blob, computed without git, so journal lines can name the plan version they made."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def parse_tree(data: bytes) -> dict[str, tuple[str, str]]:
    """A raw git tree object: name -> (mode, hex id)."""
    out, pos, n = {}, 0, len(data)
    while pos < n:
        sp = data.index(b" ", pos)
        nul = data.index(b"\0", sp)
        out[data[sp + 1:nul].decode("utf-8", "surrogateescape")] = (data[pos:sp].decode(),
                                                                     data[nul + 1:nul + 21].hex())
        pos = nul + 21
    return out


def _git(repo: git.Repo, extra: Sequence[str] = ()) -> git.Git:
    g = repo.git
    g.set_persistent_git_options(c=SAFE_OPTIONS + MEMORY_OPTIONS + list(extra))
    return g


def _safe_value(key: str) -> str:
    for pattern, value in _PROGRAM_KEYS:
        if re.fullmatch(pattern, key, re.IGNORECASE):
            return value
    return ""


def program_settings(local: Sequence[tuple[str, str]]) -> list[str]:
    """The keys of a store's own config that make git run a program (or write outside the store); a key
    already set to its harmless value (ehcp's own `core.hooksPath=/dev/null`) is not one."""
    return sorted({key for key, value in local if _PROGRAM_KEY.match(key) and value != _safe_value(key)})


def install_attributes(gitdir: Path) -> bool:
    """Writes `.git/info/attributes` (ATTRIBUTES) unless it already says exactly that; True when it was
    rewritten (it was missing, or someone had changed it: a copied store's own `filter=x`, for example)."""
    path = gitdir / "info" / "attributes"
    try:
        if path.read_bytes() == ATTRIBUTES.encode():
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        tmp = path.with_name(".attributes.ehcp-tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(ATTRIBUTES.encode())
        os.replace(tmp, path)
    except OSError as e:
        raise StoreError(f"cannot protect the store's files from git attributes ({e.strerror})",
                         hint="Check that .git/info in the store is yours and writable.") from None
    return True


def _gitpython() -> Any:
    """GitPython, imported on first use: it takes 60 ms to import, and reading commands (show, diff, log,
    deadlines, render, due) need only `git cat-file` and plain git commands, which are run here directly."""
    import git

    return git


class GitCommandError(Exception):
    """A git command run by GitStore._run failed (`_errors()` also names GitPython's, for `except`)."""

    def __init__(self, args: list[str], status: int, stderr: str = "", stdout: str = ""):
        super().__init__(f"git {' '.join(args[:3])} failed ({status})")
        self.status, self.stderr, self.stdout = status, stderr, stdout


def _said(e: BaseException, both: bool = False) -> str:
    """What a failed git command printed (its stderr, or with `both` its stdout when stderr is empty)."""
    text = getattr(e, "stderr", "") or (getattr(e, "stdout", "") if both else "") or ""
    return str(text).strip()


def _errors() -> tuple[type[BaseException], ...]:
    """What a failed git command raises: ours (GitStore.run) or GitPython's, when GitPython is loaded."""
    import sys

    git_exc = sys.modules.get("git.exc")
    return (GitCommandError, git_exc.GitCommandError) if git_exc is not None else (GitCommandError,)


_ENV = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": ":", "GIT_SEQUENCE_EDITOR": ":",
        "GIT_PAGER": "cat", "GIT_ASKPASS": ""}


def _global_helpers() -> list[str]:
    """The user's own credential helpers (global and system config), for sync."""
    proc = subprocess.run(["git", "config", "--global", "--get-all", "credential.helper"], capture_output=True,
                          env={**os.environ, **_ENV}, cwd="/")
    return [h for h in proc.stdout.decode("utf-8", "replace").splitlines() if h]


_PREWARMED: dict[str, subprocess.Popen] = {}
_WARM_UP = b"HEAD:plans/.ehcp-warm-up\n"


def prewarm(root: Path) -> None:
    """Starts the store's `git cat-file --batch` now and has it load the `plans` tree, which on a store of
    20,000 plans takes git 20 ms: git does that on the second core while Python is still importing the command,
    and the first GitStore opened on this store adopts the process. Never fails: at worst nothing is gained."""
    try:
        key = os.path.realpath(root)
        if key in _PREWARMED or not os.path.isfile(os.path.join(key, ".git", "HEAD")):
            return
        proc = subprocess.Popen(["git", *_c_options(), "cat-file", "--batch"], cwd=key, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, **_ENV})
        assert proc.stdin is not None
        proc.stdin.write(_WARM_UP)
        proc.stdin.flush()
    except (OSError, ValueError):
        return
    _PREWARMED[key] = proc
    if len(_PREWARMED) == 1:
        import atexit

        atexit.register(_close_prewarmed)


def _close_prewarmed() -> None:
    """Processes started by prewarm that no store adopted (the command did not read the store)."""
    for proc in _PREWARMED.values():
        _stop(proc)
    _PREWARMED.clear()


def _stop(proc: subprocess.Popen) -> None:
    try:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=5)
    except Exception:  # noqa: BLE001 - already gone, or stuck
        proc.kill()
    finally:
        if proc.stdout:
            proc.stdout.close()


class _CatFile:
    """One persistent `git cat-file --batch` (objects) and one `--batch-check` (ids and types), started on
    first use (or adopted from prewarm). Object names come from us (ids, HEAD, `rev:path` with validated
    paths); a name holding a newline would break the protocol, so it is refused."""

    def __init__(self, root: Path):
        self.root = root
        self.procs: dict[str, subprocess.Popen] = {}
        self.pending: dict[str, int] = {}  # answers still to read, to questions prewarm asked
        self.lock = threading.Lock()
        warm = _PREWARMED.pop(os.path.realpath(root), None)
        if warm is not None:
            self.procs["--batch"], self.pending["--batch"] = warm, 1

    def _proc(self, mode: str) -> subprocess.Popen:
        proc = self.procs.get(mode)
        if proc is None or proc.poll() is not None:
            proc = subprocess.Popen(["git", *_c_options(), "cat-file", mode], cwd=self.root,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    env={**os.environ, **_ENV})
            self.procs[mode], self.pending[mode] = proc, 0
        return proc

    def _ask(self, mode: str, name: str) -> tuple[str, str, int, Any] | None:
        if not name or "\n" in name or "\r" in name or "\0" in name:
            return None
        with self.lock:
            proc = self._proc(mode)
            assert proc.stdin is not None and proc.stdout is not None
            self._drain(mode, proc)
            proc.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline()
            if not header:
                self.close()
                raise StoreError("git stopped answering while the store was being read", hint="Run the command again.")
            parts = header.split()
            if len(parts) != 3:  # "<name> missing" or "<name> ambiguous"
                return None
            sha, kind, size = parts[0].decode(), parts[1].decode(), int(parts[2])
            data = None
            if mode == "--batch":
                data = proc.stdout.read(size)
                proc.stdout.read(1)  # the newline after the contents
            return sha, kind, size, data

    def _drain(self, mode: str, proc: subprocess.Popen) -> None:
        """Reads the answers to prewarm's questions, so that the next answer read is the next question's."""
        assert proc.stdout is not None
        while self.pending.get(mode):
            self.pending[mode] -= 1
            parts = proc.stdout.readline().split()
            if len(parts) == 3 and mode == "--batch":
                proc.stdout.read(int(parts[2]) + 1)

    def object(self, name: str) -> tuple[str, str, bytes] | None:
        got = self._ask("--batch", name)
        return None if got is None else (got[0], got[1], got[3])

    def header(self, name: str) -> tuple[str, str, int] | None:
        got = self._ask("--batch-check", name)
        return None if got is None else (got[0], got[1], got[2])

    def close(self) -> None:
        for proc in self.procs.values():
            _stop(proc)
        self.procs, self.pending = {}, {}


def _c_options() -> list[str]:
    return [x for opt in SAFE_OPTIONS + MEMORY_OPTIONS for x in ("-c", opt)]


def init_repo(root: Path) -> None:
    """Creates an empty repository on branch main, private to its owner."""
    git = _gitpython()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    repo = git.Repo.init(root, initial_branch="main")
    with repo:
        w = repo.config_writer()
        w.set_value("core", "hooksPath", "/dev/null")
        w.set_value("core", "sharedRepository", "0600")
        w.release()
    install_attributes(root / ".git")


def is_repo(root: Path) -> bool:
    return (root / ".git").is_dir()


class GitStore:
    """A plan store's repository. One per process; close it (or use `with`) to stop git's helper processes."""

    def __init__(self, root: Path):
        self.root = root
        self._repo: git.Repo | None = None
        self._git: git.Git | None = None
        dotgit = root / ".git"
        if dotgit.is_dir() and (dotgit / "HEAD").is_file() and (dotgit / "objects").is_dir():
            self.gitdir = dotgit
        else:  # not a plain repository (missing, or a .git file): GitPython finds out, or says what is wrong
            self.gitdir = Path(self._repository.git_dir)
        self.attributes_repaired = install_attributes(self.gitdir)
        self.cat = _CatFile(root)
        self._local: list[tuple[str, str]] | None = None
        self._guard: list[str] | None = None
        if self.attributes_repaired:
            self.restored = self._restore_converted()

    restored: list[str] = []

    def _restore_converted(self) -> list[str]:
        """After a clone, git has already checked files out through a committed `.gitattributes` (a journal as
        UTF-16, say). Once ehcp's own attributes are in place, each file those lines name whose bytes differ
        from the committed ones is checked out again, byte for byte. Returns the paths put back."""
        import fnmatch

        lines = self.attribute_overrides("HEAD") if self.head() else []
        patterns = [line.split(": ", 1)[1].split()[0] for line in lines if ": " in line and line.split(": ", 1)[1]]
        if not patterns:
            return []
        wrong = []
        for path, blob in self.blob_ids("HEAD", ".").items():
            name = path.rsplit("/", 1)[-1]
            if not any(fnmatch.fnmatch(path if "/" in pat.strip("/") else name, pat.strip("/")) for pat in patterns):
                continue
            try:
                fd = os.open(self.root / path, os.O_RDONLY | os.O_NOFOLLOW)
                with os.fdopen(fd, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            if blob_sha(data) != blob:
                wrong.append(path)
        for path in wrong:  # removed first: git trusts the index's stat data and may leave a "clean" file alone
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.root / path)
        for start in range(0, len(wrong), BULK_PATHS):
            self._run("checkout", "HEAD", "--", *[f":(literal){p}" for p in wrong[start:start + BULK_PATHS]])
        return wrong

    def local_config(self) -> list[tuple[str, str]]:
        """Every key of the store's own config (`.git/config` and what it includes), read by git itself; no
        program runs while reading config."""
        if self._local is None:
            proc = subprocess.run(["git", *_c_options(), "config", "--local", "--includes", "--list", "-z"],
                                  cwd=self.root, capture_output=True, env={**os.environ, **_ENV})
            items = proc.stdout.decode("utf-8", "replace").split("\0") if proc.returncode == 0 else []
            self._local = [tuple(item.split("\n", 1)) if "\n" in item else (item, "")  # type: ignore[misc]
                           for item in items if item]
        return self._local

    def included_configs(self) -> list[tuple[str, str]]:
        """(key, path) of every `include.path` and `includeIf.<condition>.path` in the store's own config: a
        copied store's config can pull its settings from a file anywhere."""
        return [(key, value) for key, value in self.local_config()
                if re.fullmatch(r"include\.path|includeif\..+\.path", key, re.IGNORECASE)]

    def program_settings(self) -> list[str]:
        """Settings in the store's own config that would make git run a program: overridden, and reported."""
        return program_settings(self.local_config())

    def guard_options(self, *, keep_credentials: bool = False) -> list[str]:
        """`-c` values that override every program-running setting of the store's own config for one command;
        with `keep_credentials` (sync) the user's global credential helpers stay in use."""
        if keep_credentials:
            return self._guard_for(keep_credentials=True)
        if self._guard is None:
            self._guard = self._guard_for(keep_credentials=False)
        return self._guard

    def _guard_for(self, *, keep_credentials: bool) -> list[str]:
        out = ["credential.helper="]  # an empty value resets the list of helpers
        for key in self.program_settings():
            if key.lower() == "credential.helper":
                continue
            out.append(f"{key}={self.root if key.lower() == 'core.worktree' else _safe_value(key)}")
        if keep_credentials:
            out += [f"credential.helper={h}" for h in _global_helpers()]
        return out

    def _options(self) -> list[str]:
        return [x for opt in self.guard_options() for x in ("-c", opt)]

    @property
    def _repository(self) -> git.Repo:
        """GitPython's Repo, opened on first use; private: nothing outside this module sees GitPython."""
        if self._repo is None:
            git = _gitpython()
            try:
                self._repo = git.Repo(self.root)
            except (git.InvalidGitRepositoryError, git.NoSuchPathError):
                raise StoreError(f"{self.root} is not a plan store (it is not a git repository)",
                                 hint="Create one with `ehcp init DIR`.") from None
        return self._repo

    @property
    def _cmd(self) -> git.Git:
        """GitPython's command runner with the safe options; private, like _repository."""
        if self._git is None:
            self._git = _git(self._repository, self.guard_options())
            self._git.update_environment(GIT_EDITOR=":", GIT_SEQUENCE_EDITOR=":", GIT_PAGER="cat",
                                         GIT_ASKPASS="", SSH_ASKPASS="", GIT_TERMINAL_PROMPT="0")
        return self._git

    def _run(self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
             network: bool = False) -> str:
        """Runs one git command (with the safe options) and returns its output, without GitPython. Private: every
        git command of the project is written in this module. `network` (sync's fetch and push) keeps the user's
        own credential helpers."""
        extra = [x for opt in self.guard_options(keep_credentials=True) for x in ("-c", opt)] if network else []
        proc = subprocess.run(["git", *_c_options(), *self._options(), *extra, *args], cwd=self.root, input=stdin,
                              capture_output=True,
                              env={**os.environ, **_ENV, **(env or {})})
        if proc.returncode != 0:
            raise GitCommandError(list(args), proc.returncode, proc.stderr.decode("utf-8", "replace"),
                                  proc.stdout.decode("utf-8", "replace"))
        out = proc.stdout.decode("utf-8", "replace")
        return out[:-1] if out.endswith("\n") else out

    def _popen(self, *args: str) -> subprocess.Popen:
        """One git command whose output is read as a stream (a whole history); the caller waits for it."""
        return subprocess.Popen(["git", *_c_options(), *self._options(), *args], cwd=self.root,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env={**os.environ, **_ENV})

    def close(self) -> None:
        self.cat.close()
        if self._repo is not None:
            self._repo.close()

    def __enter__(self) -> GitStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- locking -------------------------------------------------------------------------------------------
    @contextmanager
    def lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Serialises writers across processes with flock; bounded wait, then a clear message."""
        path = self.gitdir / "ehcp-flock"  # permanent file; the lock itself is held by the kernel
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as e:
                    if e.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise StoreError(f"the plan store is busy: another ehcp command has held its lock for "
                                         f"over {timeout:.0f} seconds",
                                         hint="Wait for it to finish and try again.") from None
                    time.sleep(0.02)
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            yield
        finally:
            os.close(fd)  # closing releases the flock

    # ---- reading -------------------------------------------------------------------------------------------
    def head(self) -> str | None:
        """HEAD's commit id, or None in a store with no commits yet (asked of cat-file, which reads the ref
        afresh on every question, so a commit made meanwhile is seen). Asked of the same process that reads
        files (a commit object is a few hundred bytes), so that a reading command starts one git, not two."""
        got = self.cat.object("HEAD")
        return got[0] if got and got[1] == "commit" else None

    def resolve(self, rev: str) -> str:
        """A commit id for a caseworker-supplied revision, refusing anything that looks like an option."""
        if not (_SHA.match(rev) or _REF.match(rev)) or rev.startswith("-"):
            raise NotFound(f"'{rev[:60]}' is not a revision of this store")
        try:
            return self._run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").strip()
        except _errors():
            raise NotFound(f"'{rev[:60]}' is not a revision of this store") from None

    def object(self, name: str) -> tuple[str, str, bytes] | None:
        """(id, type, bytes) of any object (`<id>`, `<rev>:<path>`), or None when there is none."""
        return self.cat.object(name)

    def object_header(self, name: str) -> tuple[str, str, int] | None:
        """(id, type, size) of an object without reading it, or None when there is none."""
        return self.cat.header(name)

    def read(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at a commit, through git's persistent cat-file process (fast)."""
        got = self.cat.object(f"{rev}:{path}")
        return got[2] if got and got[1] == "blob" else None

    def read_blob(self, blob: str) -> bytes | None:
        """A blob's bytes by its id (no tree walk), through the persistent cat-file process."""
        if not _SHA.match(blob):
            return None
        got = self.cat.object(blob)
        return got[2] if got and got[1] == "blob" else None

    def blob_ids(self, rev: str, prefix: str) -> dict[str, str]:
        """path -> blob id for every file under prefix at rev: cheap change detection for caches."""
        out = self._run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev, "--", prefix)
        ids = {}
        for entry in out.split("\0"):
            if entry:
                meta, path = entry.split("\t", 1)
                ids[path] = meta.split()[2]
        return ids

    def log(self, path: str | None = None, rev: str = "HEAD", max_count: int | None = None) -> list[CommitInfo]:
        """Commits touching a path, newest first, with their EHCP trailers read in bulk by git itself."""
        args = [f"--format={COMMIT_FORMAT}"]
        if max_count:
            args.append(f"--max-count={int(max_count)}")
        args += ["--end-of-options", rev]
        if path:
            args += ["--", path]
        try:
            out = self._run("log", *args)
        except _errors() as e:
            if self.head() is None:
                return []
            raise StoreError(f"cannot read the store's history ({_said(e)[:200]})") from None
        return _commit_infos(out)

    def commits(self, shas: Sequence[str]) -> list[CommitInfo]:
        """CommitInfo for each commit, in the order given (one `git log --no-walk`)."""
        if not shas:
            return []
        out = self._run("log", f"--format={COMMIT_FORMAT}", "--no-walk=unsorted", "--end-of-options", *shas)
        found = {c.commit: c for c in _commit_infos(out)}
        return [found[s] for s in shas]

    def walk(self, rng: str) -> Iterator[WalkedCommit]:
        """Every commit of a range (`HEAD`, `A..B`), newest first, streamed: a five-year store has 700,000."""
        proc = self._popen("log", f"--format={WALK_FORMAT}", "--end-of-options", rng)
        stream = proc.stdout
        assert stream is not None
        buf = b""
        try:
            while True:
                chunk = stream.read(1 << 20)
                if chunk:
                    buf += chunk
                records = buf.split(RECORD.encode())
                buf = records.pop() if chunk else b""
                for rec in records:
                    rec = rec.strip(b"\n")
                    if rec:
                        sha, parents, events, plans = rec.decode("utf-8", "replace").split(FIELD)
                        yield WalkedCommit(sha, tuple(parents.split()), _csv(events), _csv(plans))
                if not chunk:
                    break
        finally:
            stream.close()
            with contextlib.suppress(Exception):  # already finished
                proc.kill()
            proc.wait()

    def changed_paths(self, shas: Sequence[str], prefix: str) -> dict[str, list[str]]:
        """git's own list of the paths under `prefix` that each commit changed (one `git diff-tree --stdin`)."""
        out: dict[str, list[str]] = {sha: [] for sha in shas}
        if not shas:
            return out
        text = self._run("diff-tree", "--stdin", "-r", "--root", "--name-only", "-z", "--", prefix,
                         stdin="".join(f"{sha}\n" for sha in shas).encode())
        current = None
        for item in text.split("\0"):
            item = item.strip("\n")
            if item in out:
                current = out[item]
            elif current is not None and item.startswith(prefix):
                current.append(item)
        return out

    def changed_between(self, old: str, new: str, prefix: str) -> list[str]:
        """The paths under `prefix` that differ between two commits."""
        out = self._run("diff", "--name-only", "--no-renames", "-z", "--end-of-options", old, new, "--", prefix)
        return [p for p in out.split("\0") if p]

    def is_ancestor(self, old: str, new: str) -> bool:
        """Whether commit `old` is in the history of `new` (False too when either is unknown: purged, rewritten)."""
        try:
            self._run("merge-base", "--is-ancestor", "--end-of-options", old, new)
            return True
        except _errors():
            return False

    def tree(self, name: str) -> dict[str, tuple[str, str]] | None:
        """A tree's entries (name -> (mode, id)) by id or `rev:path`; None when there is no such tree."""
        got = self.cat.object(name)
        return parse_tree(got[2]) if got is not None and got[1] == "tree" else None

    def tree_id(self, name: str) -> str | None:
        """A tree's id (`rev:path`) without reading it; None when there is no such tree."""
        got = self.cat.header(name)
        return got[0] if got is not None and got[1] == "tree" else None

    def dirty_paths(self, prefix: str = ".", *, exactly: Sequence[str] | None = None) -> list[str]:
        """Files with changes not committed, under `prefix`, or `exactly` these files: git then looks at them
        alone, not at the 40,000 other files of a large store (7 s for a whole `git status`, 0.08 s for two)."""
        spec = [f":(literal){p}" for p in exactly] if exactly is not None else [prefix]
        out = self._cmd.status("--porcelain=v1", "-z", "--untracked-files=all", "--", *spec)
        paths = []
        items = out.split("\0")
        i = 0
        while i < len(items):
            entry = items[i]
            if entry:
                paths.append(entry[3:])
                if entry[0] in "RC":
                    i += 1
            i += 1
        return paths

    def symlinks(self, rev: str) -> list[str]:
        """Every symbolic link in a revision's tree (a store holds none: see store/safety.py)."""
        out = self._run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev)
        return [entry.split("\t", 1)[1] for entry in out.split("\0") if entry.startswith("120000 ")]

    def attribute_overrides(self, rev: str = "HEAD") -> list[str]:
        """Lines of committed `.gitattributes` files that try to change how git stores ehcp's files (a filter,
        an encoding, end-of-line conversion, a diff or merge driver). `.git/info/attributes` (ATTRIBUTES) takes
        precedence, so they have no effect; `doctor` and `sync` warn about them all the same."""
        try:
            out = self._run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev)
        except _errors():
            return []
        found = []
        for entry in out.split("\0"):
            meta, _, path = entry.partition("\t")
            if not (path == ".gitattributes" or path.endswith("/.gitattributes")):
                continue
            data = self.read_blob(meta.split()[2]) or b""
            for line in data.decode("utf-8", "replace").splitlines()[:1000]:
                names = [t.lstrip("-!").split("=", 1)[0] for t in line.split()[1:]]
                if not line.lstrip().startswith("#") and any(n in GUARDED_ATTRIBUTES for n in names):
                    shown = "".join(c if c.isprintable() else "?" for c in line.strip())[:100]
                    found.append(f"{path}: {shown}")
        return found

    # ---- writing -------------------------------------------------------------------------------------------
    def identity(self, override: tuple[str, str] | None = None) -> tuple[str, str]:
        """Who is making the change: --author, else git's own identity; refusing to guess."""
        if override:
            return override
        name = os.environ.get("GIT_AUTHOR_NAME") or self._config("user.name")
        email = os.environ.get("GIT_AUTHOR_EMAIL") or self._config("user.email")
        if not name or not email:
            raise StoreError("no author is set for this change",
                             hint="Set your name once with `git config --global user.name \"Your Name\"` and "
                                  "`git config --global user.email you@example.org`, or pass "
                                  "--author \"Your Name <you@example.org>\".")
        return name, email

    def _config(self, key: str) -> str | None:
        try:
            return self._cmd.config("--get", key).strip() or None
        except _errors():
            return None

    def commit(self, paths: list[str], message: str, author: tuple[str, str], expect_head: str | None) -> str:
        """Stages exactly `paths` (additions, changes and removals) and commits them alone. Call under lock()
        with files already written, and only with real changes (the caller drops unchanged writes)."""
        if self.head() != expect_head:
            raise Conflict("the store changed while this command was running", hint="Run the command again.")
        with tempfile.NamedTemporaryFile("wb", dir=self.gitdir, prefix="ehcp-paths-", delete=False) as fh:
            fh.write(b"\0".join(p.encode() for p in paths))
            spec = fh.name
        with tempfile.NamedTemporaryFile("w", dir=self.gitdir, prefix="ehcp-msg-", delete=False,
                                         encoding="utf-8") as fh:
            fh.write(message)
            msg = fh.name
        old_umask = os.umask(0o077)
        try:
            self._refuse_filters(spec)
            self._stage(paths)
            staged = set(self._run("diff", "--cached", "--name-only", "--no-renames", "-z").split("\0")) - {""}
            # when something else was staged by hand, commit our paths alone (slower with many paths)
            only = [] if staged <= set(paths) else [f"--pathspec-from-file={spec}", "--pathspec-file-nul"]
            env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
                   "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1]}
            self._run(*_PRIVATE_BY_UMASK, "commit", "-q", "--no-verify", "--no-gpg-sign", f"--file={msg}",
                     "--cleanup=verbatim", *only, env=env)
        except _errors() as e:
            raise StoreError(f"git could not record the change ({_said(e)[:300]})") from None
        finally:
            os.umask(old_umask)
            os.unlink(spec)
            os.unlink(msg)
        new = self.head()
        parent = self.object(f"{new}^") if new else None
        if new is None or (expect_head and (parent is None or parent[0] != expect_head)):
            raise StoreError("the store's history moved unexpectedly while committing", hint="Run `ehcp doctor`.")
        return new

    def _stage(self, paths: list[str]) -> None:
        """Stages exactly these paths (a missing file is removed). Exact paths, not pathspecs: `git add
        --pathspec-from-file` matches every file against every pathspec (16 s of CPU for the 40,000 files of a
        20,000-plan import). A big batch goes straight into one pack (bigFileThreshold: no loose file per
        object, 6 s instead of 25 s on that import); everyday commits stay loose until `ehcp maintenance`."""
        bulk = ["-c", "core.bigFileThreshold=1"] if len(paths) > BULK_PATHS else []
        self._run(*_PRIVATE_BY_UMASK, *bulk, "update-index", "--add", "--remove", "-z", "--stdin",
                 stdin=b"\0".join(p.encode() for p in paths))

    def _refuse_filters(self, spec: str) -> None:
        """`git add` runs any clean filter that the store's attributes name: a program chosen by whoever wrote
        the store's configuration. ehcp never writes attributes, so a filter on its files is refused."""
        with open(spec, "rb") as fh:
            out = self._cmd.check_attr("-z", "--stdin", "filter", istream=fh)
        fields = out.split("\0")
        for i in range(0, len(fields) - 2, 3):
            if fields[i + 2] not in ("unspecified", "unset", ""):
                raise StoreError(f"the store's git attributes set a filter ({fields[i + 2][:40]}) on {fields[i][:80]}; "
                                 "ehcp will not run programs named by the store's configuration",
                                 hint="Remove the filter from .gitattributes or .git/info/attributes.")

    def restore(self, paths: list[str]) -> None:
        """Puts paths back as HEAD has them (removing files HEAD lacks): undoes a half-done write."""
        head = self.head()
        for p in paths:
            if head and self.read(head, p) is not None:
                self._cmd.checkout("--no-overlay", head, "--", p)
            else:
                try:
                    self._cmd.rm("--cached", "-q", "--ignore-unmatch", "--", p)
                except _errors():
                    pass
                fp = self.root / p
                if fp.is_file() or fp.is_symlink():
                    fp.unlink()

    def remove_stale_index_lock(self, max_age: float = 60.0) -> bool:
        """git leaves index.lock behind when killed; under our lock, an old one can only be a leftover."""
        lock = self.gitdir / "index.lock"
        try:
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            return False
        if age >= max_age or os.environ.get("EHCP_ASSUME_STALE_LOCKS") == "1":
            lock.unlink(missing_ok=True)
            return True
        return False

    def fsck(self) -> tuple[bool, str]:
        try:
            out = self._cmd.fsck("--no-progress", "--no-dangling")
            return True, out
        except _errors() as e:
            return False, _said(e, both=True)

    def loose_objects(self) -> int:
        """How many objects are stored one file each (ehcp turns git's automatic gc off: see pack_loose)."""
        try:
            out = self._run("count-objects", "-v")
        except _errors():
            return 0
        counts = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
        return int(counts.get("count", "0") or 0)

    def pack_loose(self) -> int:
        """Packs loose objects, merging small packs geometrically so the pack count stays low without ever
        rewriting the big old pack; returns how many were packed. Safe beside running commands: git repack
        only deletes loose objects and packs whose contents are in the new pack."""
        before = self.loose_objects()
        if before:
            self._run("repack", "-d", "-q", "--geometric=2")
        return before - self.loose_objects()

    def pack_refs(self) -> None:
        """Packs every ref into one file (a store with many tags and remotes reads refs faster)."""
        self._run("pack-refs", "--all")

    def write_commit_graph(self) -> None:
        """Changed-path Bloom filters make path-limited `git log` about 10x faster on big stores."""
        try:
            self._cmd.commit_graph("write", "--reachable", "--changed-paths")
        except _errors():
            pass


# ---- team use and retention (kept here because they are git operations) ---------------------------------------
_REMOTE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ID_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class SyncResult:
    pulled: int
    pushed: int
    conflict_paths: tuple[str, ...] = ()
    their_commit: str | None = None
    their_author: str | None = None
    warnings: tuple[str, ...] = ()
    held: tuple[str, ...] = ()  # plans whose changes wait for `ehcp resolve` (kept on refs/ehcp/mine)


def check_remote(name: str) -> str:
    if not _REMOTE.match(name):
        raise NotFound(f"'{name[:40]}' is not a remote name")
    return name


# ---- merge drivers: how our files merge (never from .git/config or a committed file) ----------------------------
# Which files they apply to is in ATTRIBUTES (.git/info/attributes, written by ehcp). What they run is given on the
# command line of sync's own replay, after every override of the store's config: a `merge.ehcp-journal.driver`
# that a colleague (or a copied store) put in .git/config is blanked like any other program setting, and ours is
# the last value git reads. The interpreter is the one running ehcp, started isolated (-I), so neither the store's
# folder (git runs drivers there: a committed `ehcp_docs/` would otherwise be imported) nor PYTHONPATH can
# replace the driver's code.
MERGE_DRIVERS = {"ehcp-journal": "journal", "ehcp-plan": "plan"}


def merge_driver_options(python: str) -> list[str]:
    """`-c` options defining ehcp's two merge drivers for one git command (store/merge_driver.py)."""
    out: list[str] = []
    for name, kind in MERGE_DRIVERS.items():
        command = f"{shlex.quote(python)} -I -m ehcp_docs.store.merge_driver {kind} %O %A %B %P"
        out += ["-c", f"merge.{name}.name=ehcp {kind} merge", "-c", f"merge.{name}.driver={command}"]
    return out


HELD_REF = "refs/ehcp/mine/"
HELD_FILE = "ehcp-held.json"


def held_state(gs: GitStore) -> dict[str, dict[str, str]]:
    """Work the syncs held back, by plan: {plan id: {"mine": commit, "base": commit}}. Each plan's own version
    is kept on refs/ehcp/mine/<ID> until it is resolved, so git's garbage collection never drops it."""
    f = gs.gitdir / HELD_FILE
    try:
        state = json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}
    except ValueError:
        return {}
    return {k: v for k, v in state.items() if isinstance(v, dict) and _SHA.match(str(v.get("mine", "")))} \
        if isinstance(state, dict) else {}


def set_held_state(gs: GitStore, state: dict[str, dict[str, str]]) -> None:
    for ref in gs._run("for-each-ref", "--format=%(refname)", HELD_REF).splitlines():
        if ref[len(HELD_REF):] not in state:
            gs._run("update-ref", "-d", ref)
    for pid, held in state.items():
        gs._run("update-ref", HELD_REF + pid, held["mine"])
    f = gs.gitdir / HELD_FILE
    if not state:
        f.unlink(missing_ok=True)
        return
    tmp = f.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
    os.replace(tmp, f)


def sync(gs: GitStore, remote: str, branch: str = "main", python: str | None = None) -> SyncResult:
    """fetch, replay our commits onto theirs (journals and plans merged by meaning), push. A commit that still
    conflicts is held back with every later commit of the same plan: the rest is replayed and pushed, our whole
    version is kept on refs/ehcp/mine, and `ehcp resolve ID` finishes that plan. Nothing is lost."""
    check_remote(remote)
    if remote not in [r.name for r in gs._repository.remotes]:
        raise NotFound(f"this store has no remote called {remote}",
                       hint=f"Add the team's shared repository with `git -C {gs.root} remote add {remote} URL`.")
    dirty = [p for p in gs._run("status", "--porcelain", "--untracked-files=no").splitlines() if p.strip()]
    if dirty:
        raise Conflict(f"{dirty[0][3:]} has changes that are not committed, so nothing was synced",
                       hint="Commit them (`ehcp settings commit` for ehcp.toml) or discard them, then sync again.")
    try:
        gs._run("fetch", "--quiet", "--no-recurse-submodules", "--upload-pack=git-upload-pack", "--end-of-options",
                remote, network=True)
    except _errors() as e:
        raise StoreError(f"could not reach {remote} ({_said(e)[:200]})") from None
    theirs = f"refs/remotes/{remote}/{branch}"
    if gs.object(theirs) is None:  # an empty server: ours becomes the first history on it
        return SyncResult(0, _push(gs, remote, branch, int(gs._run("rev-list", "--count", "HEAD"))))
    links = gs.symlinks(theirs)
    if links:
        raise StoreError(f"the team's store ({remote}) has a symbolic link at {links[0][:80]}: ehcp will not take "
                         "it in (a link named out, or in a plan's folder, would send documents and files outside "
                         "the store); nothing was changed here",
                         hint="Ask whoever committed it to remove it (`git rm`) and push, then sync again.")
    warnings = tuple(gs.attribute_overrides(theirs))
    behind = int(gs._run("rev-list", "--count", f"HEAD..{theirs}"))
    held: tuple[str, ...] = ()
    if behind:
        held = _replay(gs, theirs, merge_driver_options(python or sys.executable))
    ahead = int(gs._run("rev-list", "--count", f"{theirs}..HEAD"))
    return SyncResult(behind, _push(gs, remote, branch, ahead) if ahead else 0, warnings=warnings, held=held)


def _push(gs: GitStore, remote: str, branch: str, count: int) -> int:
    try:
        gs._run("push", "--quiet", "--no-verify", "--receive-pack=git-receive-pack", "--end-of-options", remote,
                f"HEAD:refs/heads/{branch}", network=True)
    except _errors() as e:
        raise StoreError(f"could not push to {remote} ({_said(e)[:200]})",
                         hint="Someone may have pushed meanwhile: run `ehcp sync` again.") from None
    return count


def _plan_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "plans" else path


def _replay(gs: GitStore, theirs: str, drivers: list[str]) -> tuple[str, ...]:
    """Our commits since theirs, replayed on theirs one by one; returns the plans held back."""
    mine = gs._run("rev-parse", "HEAD")
    gs._run("update-ref", "refs/ehcp/before-sync", mine)
    ours = [c for c in gs._run("rev-list", "--reverse", "--no-merges", f"{theirs}..{mine}").splitlines() if c]
    touched = {c: {_plan_of(p) for p in gs._run("diff-tree", "--no-commit-id", "--name-only", "-r", "--root",
                                                 c).splitlines() if p} for c in ours}
    held: set[str] = set()
    try:
        while True:
            gs._run("reset", "-q", "--hard", theirs)
            failed = _replay_once(gs, [c for c in ours if not touched[c] & held], drivers)
            if failed is None:
                break
            held |= failed
    except BaseException:
        gs._run("reset", "-q", "--hard", mine)  # exactly as before the sync
        raise
    if held:
        state = held_state(gs)
        base = gs._run("merge-base", mine, theirs)
        set_held_state(gs, {**state, **{pid: {"mine": mine, "base": base} for pid in held}})
    return tuple(sorted(held))


def _replay_once(gs: GitStore, commits: list[str], drivers: list[str]) -> set[str] | None:
    """Cherry-picks each commit; the plans that conflicted (the pick undone), or None when all went in."""
    for c in commits:
        try:
            gs._run(*drivers, "cherry-pick", "--allow-empty", "--keep-redundant-commits", c)
        except GitCommandError as e:
            unmerged = {p for p in gs._run("diff", "--name-only", "--diff-filter=U").splitlines() if p}
            with contextlib.suppress(GitCommandError):
                gs._run("cherry-pick", "--abort")
            plans = {_plan_of(p) for p in unmerged}
            if not plans or not all(ID_SAFE.match(p) for p in plans):
                raise StoreError(f"the team's changes and yours to {', '.join(sorted(plans))[:80] or 'the store'} "
                                 "could not be merged; nothing was lost: yours is on refs/ehcp/before-sync",
                                 hint="Ask whoever looks after the store to merge them with git.") from e
            return plans
    return None


def clone(url: str, target: Path) -> None:
    """A colleague's copy of the team's store. An empty server (`git init --bare` that nobody has pushed to yet)
    is named as such, not left as a clone without a branch."""
    if url.startswith("-"):
        raise StoreError(f"'{url[:60]}' is not a repository address")
    if target.exists() and any(target.iterdir()):
        raise StoreError(f"{target} is not empty", hint="Choose a new or empty folder for your copy of the store.")
    old = os.umask(0o077)
    try:
        proc = subprocess.run(["git", *_c_options(), "ls-remote", "--heads", "--end-of-options", url],
                              capture_output=True, env={**os.environ, **_ENV})
        if proc.returncode != 0:
            raise StoreError(f"could not reach {url[:80]} ({proc.stderr.decode('utf-8', 'replace').strip()[:200]})")
        if not proc.stdout.strip():
            raise StoreError(f"the server {url[:80]} is empty: no plan store has been pushed to it yet",
                             hint="From the store you already have: `git -C STORE remote add origin "
                                  f"{url[:80]}` then `ehcp --store STORE sync`; then clone again.")
        # a server made with plain `git init --bare` may name another branch as its HEAD: the store is on main
        branch = ["--branch", "main"] if b"refs/heads/main" in proc.stdout else []
        # no checkout yet: ehcp's own attributes go in first, so a committed .gitattributes never converts a file
        proc = subprocess.run(["git", *_c_options(), "clone", "-q", "--no-checkout", "--no-recurse-submodules",
                               *branch, "--end-of-options", url, str(target)], capture_output=True,
                              env={**os.environ, **_ENV})
        if proc.returncode != 0:
            raise StoreError(f"could not clone {url[:80]} ({proc.stderr.decode('utf-8', 'replace').strip()[:200]})")
        os.chmod(target, 0o700)
        subprocess.run(["git", "-C", str(target), "config", "core.hooksPath", "/dev/null"], check=True)
        install_attributes(target / ".git")
        with GitStore(target) as gs:
            gs._run("checkout", "-q", "HEAD", "--", ".")
    finally:
        os.umask(old)


def erase_path(gs: GitStore, path: str) -> int:
    """Rewrites every commit of every branch, tag and remote-tracking ref without `path`, then drops the old
    objects, so the data is really gone from this repository: no ref (not `refs/remotes/origin/main` after a
    fetch, not another branch or a tag), no reflog, no FETCH_HEAD or ORIG_HEAD and no pack still reaches it.
    Clones made earlier and the server still hold it: they must be re-cloned and force-pushed. Runs with the
    safe options (hooks, fsmonitor, filters off); filter-branch's own git commands inherit them."""
    env = {"FILTER_BRANCH_SQUELCH_WARNING": "1"}
    before = int(gs._run("rev-list", "--count", "HEAD"))
    listed = gs._run("for-each-ref", "--format=%(refname)%00%(symref)").splitlines()
    refs = [ref for ref, _, sym in (line.partition("\0") for line in listed)
            if ref and not sym and not ref.startswith("refs/original/")]
    try:
        gs._run("filter-branch", "-f", "--index-filter",
                f"git rm -r -q --cached --ignore-unmatch -- {shlex.quote(path)}", "--prune-empty",
                "--tag-name-filter", "cat", "--", *refs, env=env)
    except _errors() as e:
        raise StoreError(f"history could not be rewritten ({_said(e)[:300]})") from None
    for ref in gs._run("for-each-ref", "--format=%(refname)", "refs/original/").splitlines():
        gs._run("update-ref", "-d", "--end-of-options", ref)
    for name in ("ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REBASE_HEAD", "AUTO_MERGE"):
        (gs.gitdir / name).unlink(missing_ok=True)
    gs._run("reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
    gs._run("checkout", "--quiet", "-f", "main")
    gs._run("-c", "repack.packKeptObjects=true", "-c", "gc.writeCommitGraph=false", "gc", "--prune=now", "--quiet")
    gs.cat.close()  # its view of the packs predates the rewrite
    gs.write_commit_graph()
    return before - int(gs._run("rev-list", "--count", "HEAD"))


def all_objects(gs: GitStore) -> Iterator[tuple[str, str, bytes]]:
    """Every object in the repository (loose and packed, reachable or not): what a check after an erasure reads."""
    out = gs._run("cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
    for sha in out.split():
        got = gs.cat.object(sha)
        if got is not None:
            yield got
