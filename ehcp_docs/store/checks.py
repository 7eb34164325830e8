"""Checking plans: the one place that says whether a plan file (one read from disk, or one committed at a blob) is
valid, and what its problems are, worded as `ehcp validate` words them. Used by `add`, `validate`, `doctor` and,
through Store.checked_plan, by every step and letter, which work only from a plan in force that passes its checks.

Checking every plan in the store at once (`ehcp validate --all`, `ehcp doctor`) is not a loop over `check_plan`.

Why it is not a loop over `check_plan`: at 20,000 plans, parsing and schema-checking every file takes about a
minute on one core. Two things make it fast without changing a single message:

- **A file that has not changed is not checked again.** The result for a file is a pure function of its path,
  its bytes, the code that checks it and the plausible-date window it is judged by (the store's `[dates]`
  settings and today's date, model/plausible.py), so it is cached in the store index (`index.checked_*`) under a
  key made of the path, the git blob id, a fingerprint of that code (`fingerprint`) and the window (`judged_by`).
  An edit made with plain git gives a new blob id; a new schema or a new release of the checking code gives a new
  fingerprint; a narrower `[dates]`, or a new day, a new key. Nothing can go stale.
- **What must be checked is checked in parallel**, in a process pool, blobs read by id through the store's one
  persistent `git cat-file` (never by `HEAD:path`, which makes git walk the 0.7 MB `plans` tree every time).

`check_blob` is the one place the result is computed, with or without the cache and the pool."""
from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import fileio
from ehcp_docs.errors import EhcpError, InvalidPlan, StoreError
from ehcp_docs.model import plausible
from ehcp_docs.model.plan import ID_PATTERN
from ehcp_docs.model.validation import check_plan, parse_plan_text
from ehcp_docs.store import gitstore, index
from ehcp_docs.store.index import IndexedStore

CHECKED_NAMES = ("plan.yaml", "proposed.yaml")
POOL_THRESHOLD = 300  # fewer files than this are checked in-process: a pool costs more than it saves
CHUNK = 250
# The code a file's problems depend on: how it is decoded and parsed, the checks, and the words they use.
CHECK_MODULES = ("ehcp_docs.store.checks", "ehcp_docs.fileio", "ehcp_docs.model.validation", "ehcp_docs.model.plan",
                 "ehcp_docs.model.plausible", "ehcp_docs.errors")
CHECK_LIBRARIES = ("jsonschema", "referencing", "yaml", "jsonschema_specifications")

_FINGERPRINT: str | None = None


def fingerprint() -> str:
    """A hash of the checking code, the bundled schemas and the libraries the checks use."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import importlib.util
        import sys

        from ehcp_docs.resources import schema_path

        h = hashlib.sha1(f"check:1:{sys.version_info[:2]}".encode())
        for name in CHECK_MODULES:  # found, not imported: a cached answer must not cost the import of jsonschema
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:  # our own modules: a broken install, not a cache miss
                raise ModuleNotFoundError(f"{name} is not installed", name=name)
            h.update(Path(spec.origin).read_bytes())
        folder = schema_path("plan.schema.json").parent
        for f in sorted(folder.glob("*.json")):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
        for lib in CHECK_LIBRARIES:  # where each is, and its size and age: a new version changes them (and
            spec = importlib.util.find_spec(lib)  # costs a stat, where importlib.metadata takes 10 ms a library)
            origin = Path(spec.origin) if spec and spec.origin else None
            st = origin.stat() if origin else None
            h.update(f"{lib}:{origin}:{st.st_mtime_ns if st else 0}:{st.st_size if st else 0}".encode())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


@dataclass(frozen=True)
class Judged:
    """What a file's problems depend on besides its bytes and the code: the plausible-date window (ehcp.toml
    `[dates]`) and the day it is judged on (a plan issued a year ahead becomes plausible as the days pass)."""
    window: plausible.Window = plausible.DEFAULT
    today: date | None = None  # None: the real today, fixed when the check starts (`judged_by`)

    def key(self) -> str:
        return f"{sorted(vars(self.window).items())}\0{self.day().isoformat()}"

    def day(self) -> date:
        return self.today or date.today()


def judged_by(window: plausible.Window = plausible.DEFAULT, today: date | None = None) -> Judged:
    """The window and the day, fixed once, so the key and the check agree even across midnight."""
    return Judged(window, today or date.today())


def cache_key(path: str, blob: str, judged: Judged | None = None) -> str:
    judged = judged or judged_by()
    return hashlib.sha1(f"{fingerprint()}\0{path}\0{blob}\0{judged.key()}".encode()).hexdigest()


def targets(blobs: dict[str, str]) -> list[tuple[str, str]]:
    """(path, blob id) of every plan.yaml and proposed.yaml to check, in the order they are reported: by plan
    id, the plan in force before its proposal. A proposal is checked only where its plan exists."""
    found: dict[str, dict[str, str]] = {}
    for path, blob in blobs.items():
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "plans" and parts[2] in CHECKED_NAMES and ID_PATTERN.fullmatch(parts[1]):
            found.setdefault(parts[1], {})[parts[2]] = blob
    return [(f"plans/{pid}/{name}", names[name]) for pid, names in sorted(found.items())
            if "plan.yaml" in names for name in CHECKED_NAMES if name in names]


def check_blob(path: str, data: bytes, judged: Judged | None = None) -> list[str]:
    """Every problem of one committed plan file, worded as `ehcp validate FILE` words them, its dates judged by
    the store's window (`judged`)."""
    judged = judged or judged_by()
    _, pid, name = path.split("/")
    what = f"plan {pid}" if name == "plan.yaml" else f"proposed plan {pid}"
    try:
        doc: Any = fileio.parse_text(fileio.decode(data, what), what)
        check_plan(doc, path, judged.window, judged.day())
        if doc.get("id") != pid:
            return [f"{path}: its id is {fileio.printable(str(doc.get('id'))[:70])}, not {pid}"]
        return []
    except EhcpError as e:
        return list(e.messages or [e.message])


def committed_problems(store: IndexedStore, path: str, data: bytes,
                       window: plausible.Window = plausible.DEFAULT) -> list[str]:
    """Every problem of a committed plan file (`data`, read by the caller), as `ehcp validate` words them: from
    the index when `validate --all` or an earlier command checked the same file (keyed by its blob id, hashed
    from the bytes: no second look-up in a 20,000-entry tree), so the commands that work on one plan pay for the
    check once per version of it (and per `[dates]` window and day)."""
    judged = judged_by(window)
    key = cache_key(path, gitstore.blob_sha(data), judged)
    cached = index.checked_get(store, [key]) if index.enabled() else {}
    if key in cached:
        return cached[key]
    problems = check_blob(path, data, judged)
    if index.enabled():
        index.checked_put(store, {key: problems}, keep=None)  # one plan: keep every other result
    return problems


def _check_chunk(items: list[tuple[str, bytes]], judged: Judged) -> list[list[str]]:
    return [check_blob(path, data, judged) for path, data in items]


def load_file(path: str, window: plausible.Window = plausible.DEFAULT) -> tuple[dict | None, bytes | None, list[str]]:
    """One untrusted plan file read and checked (store.load_plan_file): ({"id", "issued"}, bytes to store, [])
    or (None, None, problems). Only the id and issue date come back, not the parsed plan: a parsed plan takes
    five times the memory of its file, and an import of 20,000 plans needs nothing else from it."""
    try:
        plan, data = load_plan_file(Path(path), window)
        return {"id": plan["id"], "issued": plan["issued"]}, data, []
    except EhcpError as e:
        return None, None, list(e.messages or [e.message])


def load_files(paths: list[Path], jobs: int | None = None,
               window: plausible.Window = plausible.DEFAULT) -> list[tuple[dict | None, bytes | None, list[str]]]:
    """load_file for each path, in order; in a process pool when there are many (`ehcp add` of a whole LA's
    plans, `ehcp validate` of a folder)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, 8))
    names = [str(p) for p in paths]
    if jobs == 1 or len(names) < POOL_THRESHOLD:
        return [load_file(n, window) for n in names]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(functools.partial(load_file, window=window), names, chunksize=CHUNK))


def check_all(items: Iterator[tuple[str, bytes]], total: int, jobs: int | None = None,
              judged: Judged | None = None) -> list[list[str]]:
    """check_blob for every (path, bytes), in order; in a process pool when there are many. `items` is read
    lazily, so the parent reads the next blobs from git while the workers check the last ones."""
    judged = judged or judged_by()
    jobs = max(1, min(jobs or os.cpu_count() or 1, 8))
    if jobs == 1 or total < POOL_THRESHOLD:
        return [check_blob(path, data, judged) for path, data in items]
    from concurrent.futures import ProcessPoolExecutor

    out: list[list[str]] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = []
        chunk: list[tuple[str, bytes]] = []
        for item in items:
            chunk.append(item)
            if len(chunk) == CHUNK:
                futures.append(pool.submit(_check_chunk, chunk, judged))
                chunk = []
        if chunk:
            futures.append(pool.submit(_check_chunk, chunk, judged))
        for fut in futures:
            out += fut.result()
    return out


def load_plan_file(path: Path, window: plausible.Window = plausible.DEFAULT) -> tuple[dict, bytes]:
    """Reads and validates an untrusted plan file; returns the plan and the bytes to store (its canonical form)."""
    raw = fileio.read_bytes(path, what="plan file")
    text = fileio.decode(raw, path.name)
    plan = parse_plan_text(text, path.name, json_only=path.suffix.lower() == ".json")
    check_plan(plan, path.name, window)
    return plan, canonical(plan)


def canonical(plan: dict) -> bytes:
    """The one form every plan file is written in (fileio.dump_yaml): a later edit of one field changes only its
    own lines, so two colleagues' edits of different fields never touch the same lines."""
    return fileio.dump_yaml(plan).encode("utf-8")


def invalid_batch(problems: list[str]) -> InvalidPlan:
    """Every problem of a batch of files (`ehcp add`): nothing is added unless every file is valid."""
    return InvalidPlan(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was added",
                       messages=problems)


@dataclass(frozen=True)
class Checked:
    name: str
    problems: list[str]


def validate_files(files: list[Path], window: plausible.Window = plausible.DEFAULT) -> list[Checked]:
    return [Checked(f.name, found) for f, (_, _, found) in zip(files, load_files(files, window=window), strict=True)]


def validate_store(store: IndexedStore, jobs: int | None = None,
                   window: plausible.Window = plausible.DEFAULT) -> list[Checked]:
    """Every committed plan and proposal, checked as `validate FILE` checks a file, its dates judged by the
    store's `[dates]` window (`store.window`). Results are reused for files unchanged since they were last checked
    against the same window on the same day, and the rest are checked in parallel (see the top of this module)."""
    head = store.git.head()
    if head is None:
        return []
    todo = targets(store.git.blob_ids(head, "plans/"))
    judged = judged_by(window)
    keys = [cache_key(path, blob, judged) for path, blob in todo]
    use_index = index.enabled()
    known = index.checked_get(store, keys) if use_index else {}
    missing = [i for i, key in enumerate(keys) if key not in known]

    def blobs() -> Iterator[tuple[str, bytes]]:
        for i in missing:
            path, blob = todo[i]
            data = store.git.read_blob(blob)
            if data is None:
                raise StoreError(f"{path} cannot be read from the store", hint="Run `ehcp doctor`.")
            yield path, data

    fresh = dict(zip((keys[i] for i in missing), check_all(blobs(), len(missing), jobs, judged), strict=True))
    if use_index:
        index.checked_put(store, fresh, keep=set(keys))
    return [Checked(path, fresh[key] if key in fresh else known[key])
            for (path, _), key in zip(todo, keys, strict=True)]
