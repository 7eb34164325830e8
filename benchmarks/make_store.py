"""A synthetic local authority's plan store, reproducible from a seed, for `make bench`.

    .venv/bin/python benchmarks/make_store.py --plans 20000 --years 5 --seed 1 [--out DIR] [--end 2026-10-30]

How it is built (see benchmarks/README.md for the realism limits):
1. `Store.create` (what `ehcp init` does), dated `--years` before `--end`.
2. ONE add of every plan in one commit, exactly as `ehcp add` does it (intake.read_plans validates every file, then
   one Store.transaction writes plan.yaml and the `issued` journal line of each plan). Plans are varied copies of
   the six sample plans in plans/: fictional names from small lists, dates of birth for ages 2-24 on the day of
   the import, settings by phase, phase transfers, 2-8 outcomes and extra provision.
3. The event history: each plan lives through `--years` of annual reviews (scheduled, advice received with an
   evidence file, advice circulated, meeting record, report, decision), amendments after a review (proposed.yaml,
   representations, amended plan issued, with the phase transfer moving the child to the next setting),
   progress returns, corrections, concerns, personal-budget and early-review requests and ceasing. Every event is
   ONE commit touching one plan, as the CLI makes it: the journal line appended to plans/<ID>/events.jsonl
   (same JSON layout, seq, dates, `by`, `plan_blob` as Transaction.add_event writes), the files the command
   writes, and the message from store.commit_message (subject, EHCP-Plan / EHCP-Event / EHCP-Date trailers),
   authored by the plan's caseworker at the time it was recorded.
   Writing ~600,000 commits through git would take hours: with 20,000 plan folders under plans/, every commit
   writes a ~0.7 MB `plans` tree object, and both `git commit` and `git fast-import` (measured: 8 ms a commit)
   pay for hashing and compressing it. So history is written straight into one git pack: each object is
   hashed as git does, and the new version of a journal or of the `plans` tree is stored as a small delta
   against its previous version (chains of at most 50, git's default depth); the pack index (.idx v2) is
   written alongside. The result is an ordinary repository: HEAD is checked out with `git reset --hard`, and
   `ehcp maintenance` writes the commit-graph with changed-path Bloom filters.
4. The same seed gives the same store, commit for commit (dates are fixed by --end, not by the clock).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import heapq
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ehcp_docs import fileio  # noqa: E402
from ehcp_docs.model import forms  # noqa: E402
from ehcp_docs.statutory.child import birthday, cohort_year, end_of_compulsory_school_age, nc_year  # noqa: E402
from ehcp_docs.statutory.dates import months_after, within_12_months_starting  # noqa: E402
from ehcp_docs.store import core as storemod  # noqa: E402
from ehcp_docs.store import gitstore  # noqa: E402

SAMPLES = ROOT / "plans"
MIGRATION = ("Data Migration", "send.migration@exampleshire.example.org")
DELTA_DEPTH = 50
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FIRST = ["Aisha", "Ben", "Chloe", "Dylan", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kai", "Layla", "Mason",
         "Nia", "Oscar", "Priya", "Quinn", "Rosie", "Sam", "Tia", "Umar", "Violet", "Wiktor", "Xander", "Yusuf",
         "Zara", "Amelia", "Callum", "Daisy", "Ethan", "Freya", "George", "Hana", "Idris", "Jade", "Kofi", "Lily",
         "Milo", "Noah", "Olivia", "Piotr", "Ruby", "Seren", "Theo", "Uma", "Vivek", "Willow", "Yasmin", "Zain",
         "Aoife", "Bartek", "Cerys", "Deshawn", "Eilidh", "Farah", "Gethin", "Hamza", "Imani", "Jonah", "Keira"]
LAST = ["Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fernandes", "Green", "Hussain", "Ivanova", "Jones", "Khan",
        "Lewis", "Mensah", "Nowak", "O'Brien", "Patel", "Quinlan", "Roberts", "Smith", "Taylor", "Usman", "Vaughan",
        "Williams", "Xu", "Young", "Zielinski", "Ahmed", "Begum", "Campbell", "Doyle", "Edwards", "Fitzgerald",
        "Gray", "Hughes", "Iqbal", "Jenkins", "Kowalski", "Lloyd", "Morgan", "Nguyen", "Okafor", "Price",
        "Rahman", "Singh", "Thomas", "Walker", "Wright", "Yilmaz", "Ali", "Baker", "Clarke", "Dhillon"]
STREETS = ["Willow Close", "Station Road", "Church Lane", "Mill Street", "Park Avenue", "Orchard Way", "High Street",
           "Meadow View", "Victoria Road", "Ash Grove", "Brook Lane", "Castle Street", "Elm Drive", "Green Lane"]
TOWNS = [("Exampletown", "EX1"), ("Examplemouth", "EX4"), ("Exampleford", "EX7"), ("Sampleby", "SB2"),
         ("Testbury", "TB3"), ("Mockbridge", "MK5"), ("Demoville", "DV1"), ("Placeham", "PL9")]
CASEWORKERS = ["Priya Shah", "Daniel Osei", "Hannah Lowe", "Marek Zielinski", "Sarah Okonjo", "Tom Pryce",
               "Fatima Rahman", "Gareth Evans", "Lucy Brennan", "Ade Bello", "Joanna Kaur", "Michael Doyle",
               "Rachel Green", "Sunil Mehta", "Emma Walsh", "Owen Griffiths", "Nadia Haddad", "Chris Moore"]
PHASES = {  # phase: (kinds of settings, setting type)
    "early-years": (["Day Nursery", "Pre-school", "Children's Centre Nursery", "Nursery School"],
                    "Private, voluntary and independent early years provider"),
    "primary": (["Primary School", "Church of England Primary School", "Community Primary School",
                 "Primary Academy", "Infant and Junior School"], "Mainstream primary school"),
    "secondary": (["Academy", "High School", "Community College", "School", "Church of England High School"],
                  "Mainstream secondary school"),
    "special": (["Special School", "Specialist Learning Centre", "School for Communication and Autism"],
                "Maintained special school"),
    "post16": (["College", "Sixth Form College", "College of Further Education", "Training Centre"],
               "General further education college"),
}
TEMPLATES = {"early-years": ["EHCP-0001"], "primary": ["EHCP-0002", "EHCP-0006"],
             "secondary": ["EHCP-0003", "EHCP-0004"], "post16": ["EHCP-0005"]}
ADVICE_ROLES = ["setting", "health", "social-care", "educational-psychologist", "speech-and-language-therapy"]
STATUSES = ["achieved", "on-track", "on-track", "not-on-track", "not-started"]


# ---- a git pack written directly -----------------------------------------------------------------------------
OBJ_TYPES = {b"commit": 1, b"tree": 2, b"blob": 3}
OFS_DELTA = 6


def _obj_header(kind: int, size: int) -> bytes:
    c = (kind << 4) | (size & 15)
    size >>= 4
    out = bytearray()
    while size:
        out.append(c | 0x80)
        c = size & 0x7F
        size >>= 7
    out.append(c)
    return bytes(out)


def _ofs(distance: int) -> bytes:
    out = [distance & 0x7F]
    distance >>= 7
    while distance:
        distance -= 1
        out.append(0x80 | (distance & 0x7F))
        distance >>= 7
    return bytes(reversed(out))


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _copy(offset: int, size: int) -> bytes:
    out = bytearray()
    while size:
        n = min(size, 0xFFFFFF)
        cmd, args = 0x80, bytearray()
        for i in range(4):
            byte = (offset >> (8 * i)) & 0xFF
            if byte:
                cmd |= 1 << i
                args.append(byte)
        for i in range(3):
            byte = (n >> (8 * i)) & 0xFF
            if byte:
                cmd |= 0x10 << i
                args.append(byte)
        out.append(cmd)
        out += args
        offset += n
        size -= n
    return bytes(out)


def _insert(data: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(data), 127):
        chunk = data[i:i + 127]
        out.append(len(chunk))
        out += chunk
    return bytes(out)


def delta(src_len: int, dst: bytes, ops: list[tuple]) -> bytes:
    """git delta: ops are ("copy", offset, size) from the base or ("insert", bytes)."""
    out = bytearray(_varint(src_len) + _varint(len(dst)))
    for op in ops:
        out += _copy(op[1], op[2]) if op[0] == "copy" else _insert(op[1])
    return bytes(out)


class Pack:
    """Writes objects into one pack file and its .idx. Like a pack written by `git gc`, commits come first, then
    trees, then blobs (each kind is written to its own segment and the segments are joined at the end), so walking
    the history reads only the commits. Remembers, per logical path, the last version written so the next one can
    be a delta against it."""

    KINDS = (b"commit", b"tree", b"blob")

    def __init__(self, gitdir: Path):
        self.dir = gitdir / "objects" / "pack"
        with contextlib.ExitStack() as opened:  # all three segments or none: a failed open closes the others
            self.tmp = {k: opened.enter_context(tempfile.TemporaryFile(dir=self.dir)) for k in self.KINDS}
            opened.pop_all()  # opened: they stay open until finish() copies each into the pack and closes it
        self.size = {k: 0 for k in self.KINDS}
        self.shas: list[bytes] = []
        self.crcs: list[int] = []
        self.where: list[tuple[int, int]] = []  # (segment, offset within the segment)
        self.seen: dict[bytes, int] = {}
        self.chains: dict[str, tuple[int, int]] = {}  # path -> (offset of last version, depth)

    def _entry(self, kind: bytes, sha: bytes, raw: bytes) -> int:
        start = self.size[kind]
        self.tmp[kind].write(raw)
        self.seen[sha] = start
        self.shas.append(sha)
        self.crcs.append(zlib.crc32(raw))
        self.where.append((self.KINDS.index(kind), start))
        self.size[kind] = start + len(raw)
        return start

    def add(self, kind: bytes, data: bytes, chain: str | None = None, ops: list[tuple] | None = None,
            base_len: int = 0) -> bytes:
        """Stores an object: as a delta against the chain's previous version when `ops` describe it (and the
        chain is shorter than DELTA_DEPTH), else whole."""
        prev = self.chains.get(chain) if chain else None
        use = prev if prev and ops is not None and prev[1] < DELTA_DEPTH else None
        sha, start, wrote = self.put(kind, data, use[0] if use else None, ops, base_len)
        if chain:
            if not wrote:
                self.chains.pop(chain, None)  # the next version cannot be a delta against a skipped one
            else:
                self.chains[chain] = (start, use[1] + 1 if use else 0)
        return sha

    def put(self, kind: bytes, data: bytes, base: int | None = None, ops: list[tuple] | None = None,
            base_len: int = 0) -> tuple[bytes, int, bool]:
        """Writes one object (a delta against the object of the same kind at segment offset `base` when given);
        returns (sha, segment offset, written: False when the pack already holds it)."""
        sha = hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()
        if sha in self.seen:
            return sha, self.seen[sha], False
        start = self.size[kind]
        if base is not None:
            d = delta(base_len, data, ops or [])
            raw = _obj_header(OFS_DELTA, len(d)) + _ofs(start - base) + zlib.compress(d, 1)
        else:
            raw = _obj_header(OBJ_TYPES[kind], len(data)) + zlib.compress(data, 1)
        self._entry(kind, sha, raw)
        return sha, start, True

    def finish(self) -> Path | None:
        n = len(self.shas)
        if not n:
            return None
        bases, pos = [], 12
        for k in self.KINDS:
            bases.append(pos)
            pos += self.size[k]
        tmp = self.dir / f"tmp-ehcp-{os.getpid()}.pack"
        h = hashlib.sha1()
        with open(tmp, "wb") as out:
            head = b"PACK" + struct.pack(">II", 2, n)
            out.write(head)
            h.update(head)
            for k in self.KINDS:
                seg = self.tmp[k]
                seg.seek(0)
                while chunk := seg.read(1 << 24):
                    out.write(chunk)
                    h.update(chunk)
                seg.close()
            checksum = h.digest()
            out.write(checksum)
        offsets = [bases[seg] + off for seg, off in self.where]
        order = sorted(range(n), key=self.shas.__getitem__)
        fanout = [0] * 256
        for i in order:
            fanout[self.shas[i][0]] += 1
        idx = bytearray(b"\377tOc" + struct.pack(">I", 2))
        total = 0
        for c in fanout:
            total += c
            idx += struct.pack(">I", total)
        idx += b"".join(self.shas[i] for i in order)
        idx += b"".join(struct.pack(">I", self.crcs[i]) for i in order)
        large: list[int] = []
        for i in order:
            off = offsets[i]
            if off < 0x80000000:
                idx += struct.pack(">I", off)
            else:
                idx += struct.pack(">I", 0x80000000 | len(large))
                large.append(off)
        idx += b"".join(struct.pack(">Q", off) for off in large)
        idx += checksum
        idx += hashlib.sha1(idx).digest()
        name = self.dir / f"pack-{checksum.hex()}"
        (name.with_suffix(".idx")).write_bytes(bytes(idx))
        os.chmod(name.with_suffix(".idx"), 0o400)
        os.chmod(tmp, 0o400)
        os.replace(tmp, name.with_suffix(".pack"))
        return name.with_suffix(".pack")


class TreeVersions:
    """The versions of the big `plans` tree (one 20-byte entry changes per commit), stored the way a repacked
    repository holds them: the whole tree every FULL_EVERY versions, a delta against that whole copy every
    CHAIN versions, and short chains of one-entry deltas in between (depth <= DELTA_DEPTH)."""

    FULL_EVERY = 2000
    CHAIN = DELTA_DEPTH - 2

    def __init__(self, pack: Pack):
        self.pack = pack
        self.full: tuple[int, int] | None = None  # (offset, length) of the last whole copy
        self.prev: tuple[int, int, int] | None = None  # (offset, depth, length) of the previous version
        self.changed: set[int] = set()  # entry offsets changed since the whole copy
        self.n = 0

    def add(self, data: bytes, off: int) -> bytes:
        self.changed.add(off)
        n, self.n = self.n, self.n + 1
        if self.full is None or n % self.FULL_EVERY == 0:
            sha, start, wrote = self.pack.put(b"tree", data)
            if wrote:
                self.full, self.changed = (start, len(data)), set()
                self.prev = (start, 0, len(data))
            return sha
        if n % self.CHAIN == 0 or self.prev is None:
            ops, pos = [], 0
            for o in sorted(self.changed):
                ops += [("copy", pos, o - pos), ("insert", data[o:o + 20])]
                pos = o + 20
            ops.append(("copy", pos, len(data) - pos))
            sha, start, wrote = self.pack.put(b"tree", data, self.full[0], ops, self.full[1])
            depth = 1
        else:
            ops = [("copy", 0, off), ("insert", data[off:off + 20]), ("copy", off + 20, len(data) - off - 20)]
            sha, start, wrote = self.pack.put(b"tree", data, self.prev[0], ops, self.prev[2])
            depth = self.prev[1] + 1
        self.prev = (start, depth, len(data)) if wrote else None
        return sha

# ---- trees --------------------------------------------------------------------------------------------------
def tree_bytes(entries: dict[str, tuple[bytes, bytes]]) -> bytes:
    """entries: name -> (mode, binary sha); git's order (a directory sorts as if its name ended in '/')."""
    names = sorted(entries, key=lambda n: n + "/" if entries[n][0] == b"40000" else n)
    return b"".join(entries[n][0] + b" " + n.encode() + b"\0" + entries[n][1] for n in names)


def git_sha(kind: bytes, data: bytes) -> bytes:
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()


# ---- the plans ------------------------------------------------------------------------------------------------
def phase_of(year: int) -> str:
    if year < 0:
        return "early-years"
    if year <= 6:
        return "primary"
    if year <= 11:
        return "secondary"
    return "post16"


def next_transfer(dob: date, on: date) -> tuple[date, str] | None:
    """The next phase transfer after `on`: into Reception, Year 7 or Year 12 (1 September)."""
    c = cohort_year(dob)
    for year, kind in ((0, "early-years-to-school"), (7, "primary-to-secondary"), (12, "secondary-to-post16")):
        when = date(c + 4 + year, 9, 1)
        if when > on:
            return when, kind
    return None


def shift_dates(node, days: int):
    if isinstance(node, dict):
        return {k: shift_dates(v, days) for k, v in node.items()}
    if isinstance(node, list):
        return [shift_dates(v, days) for v in node]
    if isinstance(node, str) and _DATE.match(node):
        try:
            return (date.fromisoformat(node) + timedelta(days=days)).isoformat()
        except ValueError:
            return node
    return node


def load_templates() -> dict[str, dict]:
    return {p.stem: fileio.parse_text(p.read_text(encoding="utf-8"), p.name) for p in sorted(SAMPLES.glob("*.yaml"))}


@dataclass
class Person:
    first: str
    last: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def setting(rng: random.Random, phase: str, special: bool) -> dict:
    kind = "special" if special and phase in ("primary", "secondary") else phase
    names, stype = PHASES[kind]
    town, pc = rng.choice(TOWNS)
    name = f"{town} {rng.choice(names)}" if rng.random() < 0.6 else f"{rng.choice(LAST)} {rng.choice(names)}"
    urn = (f"EY{rng.randrange(100000, 999999)}" if kind == "early-years" else str(rng.randrange(100000, 999999)))
    return {"name": name, "type": stype, "urn": urn,
            "address": f"{rng.randrange(1, 120)} {rng.choice(STREETS)}, {town}, {pc} {rng.randrange(1, 9)}"
                       f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "head": f"{rng.choice(['Mrs', 'Mr', 'Ms', 'Dr'])} {rng.choice(FIRST)[0]} {rng.choice(LAST)}",
            "senco": f"{rng.choice(['Mrs', 'Mr', 'Ms'])} {rng.choice(FIRST)[0]} {rng.choice(LAST)}"}


def _new_id(used: set[str], prefix: str) -> str:
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    used.add(f"{prefix}{n}")
    return f"{prefix}{n}"


def vary_items(plan: dict, rng: random.Random) -> None:
    """2-8 outcomes and extra provision: copies of the template's items under new ids, links kept valid."""
    from ehcp_docs.model import plan as planmod

    used = {it.id for it in planmod.items(plan)}
    sec = plan["sections"]
    outcomes = sec["E"]["outcomes"]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4])):
        src = json.loads(json.dumps(rng.choice(outcomes[:3])))
        oid = _new_id(used, "E")
        src["id"] = oid
        for i, t in enumerate(src.get("targets") or [], 1):
            t["id"] = f"{oid}.{i}"
            used.add(t["id"])
        outcomes.append(src)
    provision = sec["F"]["provision"]
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        if not provision:
            break
        src = json.loads(json.dumps(rng.choice(provision)))
        src["id"] = _new_id(used, "F")
        src["outcomes"] = [rng.choice(outcomes)["id"]]
        src["frequency"] = rng.choice(["1 session a week in term time", "daily, 5 days a week",
                                       "2 sessions a week in term time", "every half term"])
        provision.append(src)
    if rng.random() < 0.3 and len(outcomes) > 2:  # a shorter plan: drop the last outcome no provision points at
        linked = {o for s in ("F", "G", "H1", "H2") for p in sec.get(s, {}).get("provision", [])
                  for o in p.get("outcomes") or []}
        if outcomes[-1]["id"] not in linked:
            outcomes.pop()


@dataclass
class Life:
    """One plan's state while its history is generated."""
    pid: str
    plan: dict
    journal: bytes
    caseworker: tuple[str, str]
    rng: random.Random
    seq: int = 1
    plan_bytes: bytes = b""
    proposed: bytes | None = None
    evidence: dict[str, bytes] = field(default_factory=dict)
    anchor: date = date(2000, 1, 1)  # start of the current review window
    ceased: bool = False
    last_ts: int = 0
    special: bool = False  # in a special school (so, at a transfer, the next setting is one too)


def make_plan(i: int, templates: dict[str, dict], start: date, seed: int) -> tuple[dict, Life]:
    pid = f"EHCP-{i:05d}"
    rng = random.Random(f"{seed}:{pid}")
    age = rng.choices(range(2, 25), weights=[3, 4, 5] + [7] * 11 + [6, 5, 4, 3, 2, 2, 1, 1, 1])[0]
    dob = start - timedelta(days=int(365.25 * age) + rng.randrange(0, 365))
    year = nc_year(dob, start)
    phase = phase_of(year)
    base = templates[rng.choice(TEMPLATES[phase])]
    child_first, last = rng.choice(FIRST), rng.choice(LAST)
    parent = Person(rng.choice(FIRST), last if rng.random() < 0.7 else rng.choice(LAST))
    town, pc = rng.choice(TOWNS)
    address = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}, {town}, {pc} {rng.randrange(1, 9)}AB"
    # dates: first made 1 month to 8 years before the import, after the child's first birthday
    earliest = max(dob + timedelta(days=400), start - timedelta(days=8 * 365))
    span = max(30, (start - earliest).days)
    first_issued = start - timedelta(days=rng.randrange(30, span + 30) if span > 30 else 30)
    first_issued = max(first_issued, dob + timedelta(days=365))
    if (start - first_issued).days > 365:
        late = rng.random() < 0.03
        last_reviewed = start - timedelta(days=rng.randrange(366, 420) if late else rng.randrange(10, 340))
        last_reviewed = max(last_reviewed, first_issued + timedelta(days=200))
        issued = max(first_issued, last_reviewed - timedelta(days=rng.randrange(0, 3 * 365)))
    else:
        last_reviewed, issued = None, first_issued
    plan = shift_dates(json.loads(json.dumps(base)), (issued - date.fromisoformat(base["issued"])).days)
    old_first = base["child"]["name"].split()[0]
    known = base["child"].get("known_as")
    text = json.dumps(plan, ensure_ascii=False)
    for old in {old_first, known} - {None}:
        text = text.replace(old, child_first)
    for p in base.get("parents", [])[:1]:
        text = text.replace(p["name"].split()[0], parent.first)
    plan = json.loads(text)
    plan["id"] = pid
    plan["child"] = {k: v for k, v in {"name": f"{child_first} {last}", "known_as": child_first,
                                        "date_of_birth": dob.isoformat(), "address": address}.items()}
    if age >= 18 and rng.random() < 0.1:
        plan["child"]["lacks_capacity"] = True
    parents = plan.get("parents") or [{"name": "", "relationship": "mother"}]
    plan["parents"] = [dict(parents[0], name=parent.name, address=address,
                            email=f"{parent.first.lower()}.{i}@example.org",
                            phone=f"07700 9{i % 100000:05d}")]
    cw = rng.choice(CASEWORKERS)
    cw_email = cw.lower().replace(" ", ".") + "@exampleshire.example.org"
    plan["caseworker"] = dict(plan.get("caseworker") or {}, name=cw, email=cw_email)
    plan["first_issued"], plan["issued"] = first_issued.isoformat(), issued.isoformat()
    plan.pop("last_reviewed", None)
    if last_reviewed:
        plan["last_reviewed"] = last_reviewed.isoformat()
    plan.pop("year_group", None)
    if rng.random() < 0.04:
        plan["year_group"] = max(-1, min(14, year - 1))
    special = rng.random() < 0.25
    sec_i = setting(rng, phase, special)
    if phase == "primary" and base["id"] == "EHCP-0006" and rng.random() < 0.5:
        sec_i = {"name": "", "type": base["sections"]["I"]["type"]}
    plan["sections"]["I"] = sec_i
    plan.pop("transfer", None)
    t = next_transfer(dob, start)
    if t and t[0] <= start + timedelta(days=550):
        plan["transfer"] = {"date": t[0].isoformat(), "kind": t[1],
                            "next_setting": setting(rng, phase_of(nc_year(dob, t[0])), special)["name"]}
    vary_items(plan, rng)
    life = Life(pid, plan, b"", (cw, cw_email), rng, anchor=last_reviewed or first_issued)
    life.special = special
    return plan, life


# ---- one plan's history ---------------------------------------------------------------------------------------
@dataclass(order=True)
class Commit:
    ts: int
    pid: str
    seq: int
    event: str = field(compare=False)
    date: str = field(compare=False)
    writes: dict[str, bytes | None] = field(compare=False, default_factory=dict)
    author: tuple[str, str] = field(compare=False, default=("", ""))


class History:
    """Produces the commits of one plan, in order, applying each to the plan's state as it goes."""

    def __init__(self, life: Life, start: date, end: date):
        self.l, self.start, self.end = life, start, end
        self.r = life.rng

    def _ts(self, recorded: date) -> int:
        base = int(datetime(recorded.year, recorded.month, recorded.day, 8, tzinfo=UTC).timestamp())
        ts = max(base + self.r.randrange(0, 9 * 3600), self.l.last_ts + self.r.randrange(60, 900))
        self.l.last_ts = ts
        return ts

    def event(self, name: str, when: date, data: dict | None = None, writes: dict | None = None) -> Commit | None:
        if when > self.end or self.l.ceased:
            return None
        lag = self.r.choice([0, 0, 0, 0, 1, 1, 2, 3, 7])
        recorded = min(self.end, when + timedelta(days=lag))
        recorded = max(recorded, datetime.fromtimestamp(self.l.last_ts, UTC).date() if self.l.last_ts else recorded)
        self.l.seq += 1
        rec = {"seq": self.l.seq, "event": name, "date": when.isoformat(), "recorded": recorded.isoformat(),
               "by": self.l.caseworker[0], **(data or {})}
        self.l.journal += (json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
        w = dict(writes or {})
        w["events.jsonl"] = self.l.journal
        return Commit(self._ts(recorded), self.l.pid, self.l.seq, name, when.isoformat(), w, self.l.caseworker)

    def set_plan(self, plan: dict) -> tuple[bytes, str]:
        self.l.plan = plan
        self.l.plan_bytes = fileio.dump_yaml(plan).encode("utf-8")
        return self.l.plan_bytes, gitstore.blob_sha(self.l.plan_bytes)

    def commits(self) -> Iterator[Commit]:
        r, life = self.r, self.l
        while not life.ceased:
            due = within_12_months_starting(life.anchor)
            late = r.random() < 0.12
            meeting = due + timedelta(days=r.randrange(1, 60)) if late else due - timedelta(days=r.randrange(5, 80))
            meeting = max(meeting, life.anchor + timedelta(days=120))
            yield from self._between(life.anchor, meeting - timedelta(days=40))
            if meeting > self.end + timedelta(days=40):
                return
            if r.random() < 0.04 and meeting > self.end - timedelta(days=200):
                return  # this review drifts: nothing recorded before the end (shows in the overdue report)
            before = life.anchor
            yield from self._review(meeting)
            if life.anchor == before:
                return  # the review did not complete before the end of the history

    def _between(self, a: date, b: date) -> Iterator[Commit]:
        """Progress returns, corrections, concerns and requests between two reviews."""
        days = (b - a).days
        if days <= 0:
            return
        kinds = []
        for _ in range(r_count(self.r, days / 365 * 0.6)):
            kinds.append(("progress", a + timedelta(days=self.r.randrange(days))))
        for _ in range(r_count(self.r, days / 365 * 0.06)):
            kinds.append(("correction", a + timedelta(days=self.r.randrange(days))))
        for _ in range(r_count(self.r, days / 365 * 0.05)):
            kinds.append(("concern", a + timedelta(days=self.r.randrange(days))))
        for _ in range(r_count(self.r, days / 365 * 0.02)):
            kinds.append(("budget", a + timedelta(days=self.r.randrange(days))))
        for _ in range(r_count(self.r, days / 365 * 0.01)):
            kinds.append(("early", a + timedelta(days=self.r.randrange(days))))
        for kind, when in sorted(kinds, key=lambda k: k[1]):
            if when <= self.start or when > self.end:
                continue
            yield from getattr(self, f"_{kind}")(when)

    def _progress(self, when: date) -> Iterator[Commit]:
        form = forms.form(self.l.plan, "progress")
        for row in form["progress"]:
            row["status"] = self.r.choice(STATUSES)
            row["evidence"] = "Teacher assessment and observation log this term."
            row["since_last_term"] = "Steady progress with adult support."
            for t in row["targets"]:
                t["status"] = self.r.choice(STATUSES)
        season = "autumn" if when.month >= 9 else "spring" if when.month <= 4 else "summer"
        form["term"] = f"{season}-{when.year}"
        form["returned_by"] = {"name": self.l.plan["sections"]["I"].get("senco") or "SENCO", "role": "SENCO"}
        c = self.event("progress-update", when, {"return": form})
        if c:
            yield c

    def _correction(self, when: date) -> Iterator[Commit]:
        plan = json.loads(json.dumps(self.l.plan))
        plan["parents"][0]["phone"] = f"07700 9{self.r.randrange(100000):05d}"
        body, blob = self.set_plan(plan)
        c = self.event("correction", when, {"plan_blob": blob, "note": "New phone number from the family."},
                       {"plan.yaml": body})
        if c:
            yield c

    def _concern(self, when: date) -> Iterator[Commit]:
        due = when + timedelta(days=28)
        c = self.event("concern", when, {"role": self.r.choice(["parent", "setting"]),
                                         "text": "Speech and language therapy sessions have not happened for "
                                                 "three weeks.", "response_due": due.isoformat()})
        if c:
            yield c
            if self.r.random() < 0.85:
                c = self.event("concern-response", when + timedelta(days=self.r.randrange(3, 40)),
                               {"concern": self.l.seq, "text": "The therapy service has arranged catch-up "
                                "sessions.", "outcome": "resolved"})
                if c:
                    yield c

    def _budget(self, when: date) -> Iterator[Commit]:
        c = self.event("personal-budget-request", when, {"by": "parent", "details": "Direct payment for "
                                                                                   "a specialist tutor."})
        if c:
            yield c
            seq = self.l.seq
            c = self.event("personal-budget-decision", when + timedelta(days=self.r.randrange(7, 40)),
                           {"request": seq, "decision": self.r.choice(["agree", "refuse"]),
                            "reason": "Considered against the local policy."})
            if c:
                yield c

    def _early(self, when: date) -> Iterator[Commit]:
        c = self.event("early-review-requested", when, {"by": "setting", "reason": "Needs have changed."})
        if c:
            yield c
            seq = self.l.seq
            c = self.event("early-review-decision", when + timedelta(days=self.r.randrange(5, 35)),
                           {"request": seq, "decision": "refuse", "reason": "The annual review is soon."})
            if c:
                yield c

    def _review(self, meeting: date) -> Iterator[Commit]:
        """One annual review, step by step as a caseworker records it; each step is a helper (in the order they
        draw on the random generator, so a seed still makes the same store) and a step that falls after the end
        of the history ends the review there."""
        scheduled = yield from self._review_scheduled(meeting)
        if scheduled is None:
            return
        sched, meeting, notice, invitees = scheduled
        yield from self._review_advice(sched, meeting, notice)
        held = yield from self._review_meeting(meeting, invitees)
        if not held:
            return
        decided = yield from self._review_decision(meeting)
        if decided is None:
            return
        when, decision = decided
        self.l.anchor = when
        if decision == "amend":
            yield from self._amend(when)
        elif decision == "cease":
            yield from self._cease(when)

    def _review_scheduled(self, meeting: date) -> Generator[Commit, None, tuple[date, date, int, list[dict]] | None]:
        """The meeting arranged and the invitations sent (sometimes at short notice); returns (scheduled on,
        meeting, days' notice, invitees), or None when it falls after the end of the history."""
        r, life = self.r, self.l
        notice = r.randrange(7, 14) if r.random() < 0.08 else r.randrange(14, 42)
        sched = meeting - timedelta(days=notice)
        if sched <= self.start:
            sched = self.start + timedelta(days=1)
            meeting = max(meeting, sched + timedelta(days=14))
        plan = life.plan
        invitees = [{"role": "parent", "name": p["name"]} for p in plan.get("parents", [])]
        sec_i = plan["sections"]["I"]
        if sec_i.get("name"):
            invitees.append({"role": "setting", "name": sec_i.get("senco") or "SENCO", "organisation": sec_i["name"]})
        invitees += [{"role": "la-sen-officer", "name": life.caseworker[0]},
                     {"role": "health", "name": "NHS Example Integrated Care Board"},
                     {"role": "social-care", "name": "Exampleshire Children with Disabilities Team"}]
        c = self.event("review-scheduled", sched, {
            "meeting": meeting.isoformat(), "invitations_sent": sched.isoformat(),
            "advice_due": (meeting - timedelta(days=14)).isoformat(),
            "venue": f"{sec_i.get('name') or 'County Hall'}, meeting room {r.randrange(1, 4)}",
            "invitees": invitees, "short_notice": notice < 14})
        if not c:
            return None
        yield c
        return sched, meeting, notice, invitees

    def _review_advice(self, sched: date, meeting: date, notice: int) -> Iterator[Commit]:
        """Advice received from none to two professionals (each with its evidence file), then usually circulated."""
        r, life = self.r, self.l
        roles = r.sample(ADVICE_ROLES, r.choice([0, 1, 1, 1, 2, 2]))
        for role in roles:
            when = sched + timedelta(days=r.randrange(1, max(2, notice)))
            when = min(when, meeting)
            name = f"{when.isoformat()}-advice-{role}-{role}-advice.txt"
            rel = f"evidence/{name}"
            text = (f"Advice from {role.replace('-', ' ')} for the annual review of {life.pid}, received {when}.\n"
                    f"{life.plan['child'].get('known_as', '')} has made progress "
                    f"this year. Recommendations are attached for discussion at the meeting.\n").encode()
            life.evidence[name] = text
            c = self.event("advice-received", when, {"role": role, "file": rel, "received": when.isoformat()},
                           {rel: text})
            if c:
                yield c
        if r.random() < 0.6:
            c = self.event("advice-circulated", meeting - timedelta(days=r.choice([21, 16, 14, 14, 10, 5])))
            if c:
                yield c

    def _review_meeting(self, meeting: date, invitees: list[dict]) -> Generator[Commit, None, bool]:
        """The meeting record (who attended, views, progress on every outcome); returns whether it was held
        before the end of the history."""
        r, life = self.r, self.l
        sec_i = life.plan["sections"]["I"]
        form = forms.form(life.plan, "meeting")
        form["attended"] = [{"name": invitees[0]["name"], "role": "parent"},
                            {"name": sec_i.get("senco") or "SENCO", "role": "SENCO"},
                            {"name": life.caseworker[0], "role": "LA SEN officer"}]
        form["child_views"] = "Enjoys school, finds busy times hard."
        form["family_views"] = "Pleased with progress; wants the support to continue."
        for row in form["progress"]:
            row["status"] = r.choice(STATUSES)
            row["evidence"] = "Observation log and work samples this year."
            for t in row["targets"]:
                t["status"], t["evidence"] = r.choice(STATUSES), "Observation sheet."
        c = self.event("review-meeting", meeting, {"record": form})
        if not c:
            return False
        yield c
        return True

    def _review_decision(self, meeting: date) -> Generator[Commit, None, tuple[date, str] | None]:
        """The review report, then the decision: cease near the end of education, amend before a phase transfer
        (and a quarter of the time otherwise), else maintain; returns (decided on, decision), or None when the
        decision falls after the end of the history."""
        r, life = self.r, self.l
        plan = life.plan
        mseq = life.seq
        reported = meeting + timedelta(days=r.choice([3, 7, 10, 13, 14, 14, 20]))
        c = self.event("review-report", reported, {"meeting": mseq})
        if c:
            yield c
        dob = date.fromisoformat(plan["child"]["date_of_birth"])
        transfer = plan.get("transfer")
        soon = transfer and date.fromisoformat(transfer["date"]) <= meeting + timedelta(days=400)
        ceasing = (meeting > birthday(dob, 25) - timedelta(days=200)) or (
            meeting > end_of_compulsory_school_age(dob) and r.random() < 0.08)
        decision = "cease" if ceasing else "amend" if soon or r.random() < 0.25 else "maintain"
        when = max(reported + timedelta(days=r.randrange(1, 8)),
                   meeting + timedelta(days=r.choice([5, 10, 14, 20, 25, 27, 28, 35, 45])))
        c = self.event("review-decision", when, {"decision": decision, "reason": "Agreed at the review meeting.",
                                                 "meeting": meeting.isoformat(),
                                                 "appeal_deadline": months_after(when, 2).isoformat()})
        if not c:
            return None
        yield c
        return when, decision

    def _amend(self, decided: date) -> Iterator[Commit]:
        r, life = self.r, self.l
        served = decided + timedelta(days=r.choice([0, 0, 0, 2, 5, 12]))
        new = json.loads(json.dumps(life.plan))
        prov = new["sections"]["F"]["provision"]
        if prov:
            prov[0]["frequency"] = r.choice(["2 sessions a week in term time", "daily, 5 days a week",
                                             "3 sessions a week in term time"])
        t = new.get("transfer")
        changes = 1
        if t and date.fromisoformat(t["date"]) <= served + timedelta(days=400):
            dob = date.fromisoformat(new["child"]["date_of_birth"])
            nxt_phase = phase_of(nc_year(dob, date.fromisoformat(t["date"])))
            new["sections"]["I"] = setting(r, nxt_phase, life.special)
            if t.get("next_setting"):
                new["sections"]["I"]["name"] = t["next_setting"]
            after = next_transfer(dob, date.fromisoformat(t["date"]))
            new.pop("transfer")
            if after and after[0] <= served + timedelta(days=900):
                new["transfer"] = {"date": after[0].isoformat(), "kind": after[1],
                                   "next_setting": setting(r, phase_of(nc_year(dob, after[0])), False)["name"]}
            changes = 3
        proposed = fileio.dump_yaml(new).encode("utf-8")
        c = self.event("amendment-proposed", served, {
            "context": "review", "reason": "Changes agreed at the annual review.",
            "reasons": {"F1": "The therapist recommends more frequent sessions."}, "evidence": [],
            "changes": changes}, {"proposed.yaml": proposed})
        if not c:
            return
        yield c
        if r.random() < 0.6:
            c = self.event("representations", served + timedelta(days=r.randrange(3, 15)),
                           {"text": "We agree with the changes.", "meeting_request": False})
            if c:
                yield c
        issued = served + timedelta(days=r.choice([20, 30, 40, 50, 55, 56, 60, 75]))
        new["issued"] = issued.isoformat()
        body = fileio.dump_yaml(new).encode("utf-8")
        c = self.event("amended-plan-issued", issued, {"context": "review", "plan_blob": gitstore.blob_sha(body)},
                       {"plan.yaml": body, "proposed.yaml": None})
        if c:
            self.set_plan(new)
            yield c

    def _cease(self, decided: date) -> Iterator[Commit]:
        r = self.r
        c = self.event("cease-proposed", decided + timedelta(days=r.randrange(1, 10)),
                       {"reason_code": 1, "reason": "The young person has left education."})
        if not c:
            return
        yield c
        when = decided + timedelta(days=r.randrange(20, 40))
        c = self.event("cease-decision", when, {"decision": "cease", "reason_code": 1,
                                                "effective": (when + timedelta(days=30)).isoformat()})
        if c:
            yield c
            self.l.ceased = True


def r_count(rng: random.Random, mean: float) -> int:
    """A small count with the given mean."""
    n = int(mean)
    return n + (1 if rng.random() < mean - n else 0)


# ---- building the store ---------------------------------------------------------------------------------------
@contextmanager
def frozen_day(day: date, hour: int = 9):
    """Store.create and Transaction.add_event stamp today's date; the generator fixes it so the store does not
    depend on when it was built, and dates the commits too."""
    real = storemod.Date

    class Fixed(date):
        @classmethod
        def today(cls):
            return day

    stamp = f"{int(datetime(day.year, day.month, day.day, hour, tzinfo=UTC).timestamp())} +0000"
    saved = {k: os.environ.get(k) for k in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE")}
    os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = stamp
    storemod.Date = Fixed
    try:
        yield
    finally:
        storemod.Date = real
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def git(root: Path, *args: str, **kw) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "core.hooksPath=/dev/null", *args], check=True,
                          capture_output=True, text=True, **kw).stdout


def build(out: Path, n_plans: int, years: int, seed: int, end: date, log: Callable[[str], object] = print) -> dict:
    """Builds the store in four stages (each a helper): the plans made up, then added in one commit through the
    store API; the history written straight into a pack; the work tree checked out; `ehcp maintenance`."""
    t0 = time.perf_counter()
    start = date(end.year - years, end.month, min(end.day, 28))
    if out.exists():
        shutil.rmtree(out)
    os.environ.setdefault("GIT_AUTHOR_NAME", MIGRATION[0])
    os.environ.setdefault("GIT_AUTHOR_EMAIL", MIGRATION[1])
    templates = load_templates()
    lives = [make_plan(i, templates, start, seed) for i in range(1, n_plans + 1)]
    add_commit, t_add = _add_plans(out, lives, start)
    log(f"make_store: {n_plans} plans added in one commit in {t_add:.1f} s")
    parent, n_commits, sizes, packfile, t_hist = _write_history(out, [life for _, life in lives], start, end,
                                                                 add_commit, log)
    log(f"make_store: {n_commits:,} history commits written in {t_hist:.1f} s")
    git(out, "update-ref", "refs/heads/main", parent)
    t_co = time.perf_counter()
    git(out, "reset", "--hard", "-q", "main")
    git(out, "repack", "-d", "-q", "-l")  # packs the loose objects of init and add (not the history pack)
    t_co = time.perf_counter() - t_co
    # 4: commit-graph with changed-path Bloom filters, as `ehcp maintenance` does
    t_m = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ehcp_docs", "--store", str(out), "maintenance"], check=True,
                   capture_output=True)
    t_m = time.perf_counter() - t_m
    info = {"plans": n_plans, "years": years, "seed": seed, "start": start.isoformat(), "end": end.isoformat(),
            "commits": n_commits + 2, "history_commits": n_commits, "events_by_kind": dict(sorted(sizes.items())),
            "head": parent, "pack_bytes": packfile.stat().st_size if packfile else 0,
            "seconds": {"add": round(t_add, 1), "history": round(t_hist, 1), "checkout": round(t_co, 1),
                        "maintenance": round(t_m, 1), "total": round(time.perf_counter() - t0, 1)}}
    log(f"make_store: checkout {t_co:.1f} s, maintenance (commit-graph) {t_m:.1f} s; "
        f"total {info['seconds']['total']:.1f} s")
    (out / ".git" / "ehcp-bench-info.json").write_text(json.dumps(info, indent=2))  # for benchmarks/run.py
    return info


def _add_plans(out: Path, lives: list[tuple[dict, Life]], start: date) -> tuple[str | None, float]:
    """Stages 1-2: `ehcp init`, then ONE add of every plan through the store API (every file validated, as
    `ehcp add` does), dated `start`; each life then starts from the plan and journal as added. Returns the add
    commit and the seconds the add took."""
    from ehcp_docs.casework import intake

    with frozen_day(start, 8):
        store = storemod.Store.create(out, author=MIGRATION)
    with tempfile.TemporaryDirectory(prefix="ehcp-bench-plans-") as tmp:
        files = []
        for plan, _ in lives:
            f = Path(tmp) / f"{plan['id']}.yaml"
            f.write_text(fileio.dump_yaml(plan), encoding="utf-8")
            files.append(f)
        t_add = time.perf_counter()
        loaded = intake.read_plans(files)  # every file validated, as `ehcp add` does
        with frozen_day(start, 9), store.transaction("issued") as txn:
            for plan, data, _ in loaded:
                blob = txn.write_plan(plan["id"], data)
                txn.add_event(plan["id"], "issued", plan["issued"], {"plan_blob": blob}, by=txn.by)
        add_commit = txn.commit
        t_add = time.perf_counter() - t_add
        for (plan, data, _), (_, life) in zip(loaded, lives, strict=True):  # read_plans: every file, or raises
            life.plan_bytes = data
            life.journal = txn.writes[f"plans/{plan['id']}/events.jsonl"]
            life.last_ts = int(datetime(start.year, start.month, start.day, 9, tzinfo=UTC).timestamp())
    store.close()
    return add_commit, t_add


def _added_trees(out: Path, lives: list[Life], add_commit: str | None
                 ) -> tuple[dict, dict, bytearray, dict[str, int]]:
    """The trees of the add commit, rebuilt in memory and checked against git's: (root entries, each plan's
    folder entries, the plans tree, where each plan's 20-byte tree id sits in it, to be patched in place)."""
    root_entries = {name: (b"100644", git_sha(b"blob", (out / name).read_bytes())) for name in
                    ("ehcp.toml", ".gitignore")}
    plan_dirs: dict[str, dict[str, tuple[bytes, bytes]]] = {}
    plans_entries = {".keep": (b"100644", git_sha(b"blob", b""))}
    for life in lives:
        d = {"plan.yaml": (b"100644", git_sha(b"blob", life.plan_bytes)),
             "events.jsonl": (b"100644", git_sha(b"blob", life.journal))}
        plan_dirs[life.pid] = d
        plans_entries[life.pid] = (b"40000", git_sha(b"tree", tree_bytes(d)))
    plans_tree = bytearray(tree_bytes(plans_entries))
    root_entries["plans"] = (b"40000", git_sha(b"tree", bytes(plans_tree)))
    expect = git(out, "rev-parse", f"{add_commit}^{{tree}}").strip()
    got = git_sha(b"tree", tree_bytes(root_entries)).hex()
    if got != expect:
        raise SystemExit(f"make_store: tree mismatch after the add ({got} != {expect})")
    where: dict[str, int] = {}
    pos = 0
    while pos < len(plans_tree):
        nul = plans_tree.index(b"\0", pos)
        name = plans_tree[plans_tree.index(b" ", pos) + 1:nul].decode()
        where[name] = nul + 1
        pos = nul + 21
    return root_entries, plan_dirs, plans_tree, where


def _write_history(out: Path, lives: list[Life], start: date, end: date, add_commit: str | None,
                   log: Callable[[str], object]) -> tuple[str | None, int, dict[str, int], Path | None, float]:
    """Stage 3: every plan's history merged in time order, each event one commit written straight into a pack
    (journals as deltas against their last version). Returns (the last commit, how many, how many of each
    event, the pack file, the seconds it took)."""
    root_entries, plan_dirs, plans_tree, where = _added_trees(out, lives, add_commit)
    evidence_dirs: dict[str, dict[str, tuple[bytes, bytes]]] = {}
    pack = Pack(out / ".git")
    plans_versions = TreeVersions(pack)
    parent = add_commit
    n_commits = 0
    sizes: dict[str, int] = {}
    journal_lens = {life.pid: len(life.journal) for life in lives}
    t_hist = time.perf_counter()
    streams = [History(life, start, end).commits() for life in lives]
    for n_commits, c in enumerate(heapq.merge(*streams), start=1):
        pid = c.pid
        d = plan_dirs[pid]
        for rel, data in c.writes.items():
            if rel == "events.jsonl":
                old = journal_lens[pid]
                sha = pack.add(b"blob", data, f"{pid}/j", [("copy", 0, old), ("insert", data[old:])], old)
                journal_lens[pid] = len(data)
                d[rel] = (b"100644", sha)
            elif rel.startswith("evidence/"):
                ev = evidence_dirs.setdefault(pid, {})
                ev[rel.split("/", 1)[1]] = (b"100644", pack.add(b"blob", data))
                d["evidence"] = (b"40000", pack.add(b"tree", tree_bytes(ev)))
            elif data is None:
                d.pop(rel, None)
            else:
                d[rel] = (b"100644", pack.add(b"blob", data))
        sub = pack.add(b"tree", tree_bytes(d))
        off = where[pid]
        plans_tree[off:off + 20] = sub
        ptree = plans_versions.add(bytes(plans_tree), off)
        root_entries["plans"] = (b"40000", ptree)
        rtree = pack.add(b"tree", tree_bytes(root_entries))
        who = f"{c.author[0]} <{c.author[1]}> {c.ts} +0000"
        msg = storemod.commit_message(pid, c.event, c.date, [pid])
        body = (f"tree {rtree.hex()}\nparent {parent}\nauthor {who}\ncommitter {who}\n\n{msg}").encode()
        parent = pack.add(b"commit", body).hex()
        sizes[c.event] = sizes.get(c.event, 0) + 1
        if n_commits % 50000 == 0:
            rate = n_commits / (time.perf_counter() - t_hist)
            log(f"make_store: {n_commits:,} commits written ({rate:,.0f} a second)")
    packfile = pack.finish()
    return parent, n_commits, sizes, packfile, time.perf_counter() - t_hist


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--years", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--end", default="2026-10-30", help="the last day of the history (fixed, for reproducibility)")
    ap.add_argument("--out", help="where to build it (default: benchmarks/stores/la-<plans>p-<years>y-s<seed>)")
    ap.add_argument("--fsck", action="store_true", help="run git fsck on the result (slow on big stores)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    a = ap.parse_args(argv)
    if a.plans < 1 or a.plans > 99999 or a.years < 0:
        ap.error("--plans must be 1..99999 and --years 0 or more")
    out = Path(a.out) if a.out else ROOT / "benchmarks" / "stores" / f"la-{a.plans}p-{a.years}y-s{a.seed}"
    info = build(out, a.plans, a.years, a.seed, date.fromisoformat(a.end),
                 log=(lambda m: print(m, file=sys.stderr)))
    info["store"] = str(out)
    if a.fsck:
        t = time.perf_counter()
        git(out, "fsck", "--no-progress", "--no-dangling")
        info["fsck_seconds"] = round(time.perf_counter() - t, 1)
    print(json.dumps(info, indent=2) if a.json else
          f"{out}: {info['plans']} plans, {info['commits']:,} commits, HEAD {info['head'][:12]}")


if __name__ == "__main__":
    main()
