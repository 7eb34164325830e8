"""Dependency audit for CI (issue 17, point 15): every package pinned in requirements.lock checked against a
vulnerability database that works offline.

pip-audit asks a web service (PyPI's JSON API or OSV) about each package; from this environment only the package
mirror answers, and it has no such service, so pip-audit audited nothing while seeming to run. The database used
here ships as a package on the mirror: `safety-db` (pyup.io's curated list of insecure Python package versions).
Its licence is CC BY-NC-SA 4.0 and its data stopped in mid 2021: it is fetched into a temporary folder for the
audit only, never installed into the project or shipped, and the output says which database it was, its licence,
the age of its data and how many packages were checked. A stale database still catches the long-known
vulnerabilities; a newer one is used when given (`--db FILE`, the same JSON shape).

Exit 0: no known vulnerability (or no database could be had: said so, never a failure for lack of network);
exit 1: a pinned version is listed as vulnerable."""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

try:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version
except ImportError:  # a bare python3 before `make`: pip's own copy of packaging
    from pip._vendor.packaging.specifiers import InvalidSpecifier, SpecifierSet  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]
    from pip._vendor.packaging.version import InvalidVersion, Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
SAFETY_DB = "safety-db==2021.7.17"  # the last release; the data in it is dated by its own "$meta" timestamp
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def pins(lock: Path) -> dict[str, str]:
    """name -> version of every `name==version` line of the lock file."""
    out = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line)
        if m:
            out[canonicalize_name(m.group(1))] = m.group(2)
    return out


def fetch_safety_db(folder: Path) -> tuple[dict, str] | None:
    """The full safety-db database from the package mirror (pip download: the ordinary client), or None."""
    r = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                        "-d", str(folder), SAFETY_DB], capture_output=True, text=True, timeout=300)
    wheels = sorted(folder.glob("safety_db-*.whl"))
    if r.returncode != 0 or not wheels:
        return None
    with zipfile.ZipFile(wheels[0]) as z:
        data = json.loads(z.read("safety_db/insecure_full.json"))
        licence = next((line.split(":", 1)[1].strip() for line in z.read(next(
            n for n in z.namelist() if n.endswith("METADATA"))).decode().splitlines() if line.startswith("License:")),
            "unknown")
    return data, f"{wheels[0].name.split('-')[0].replace('_', '-')} {wheels[0].name.split('-')[1]} ({licence})"


def data_date(db: dict) -> str:
    stamp = (db.get("$meta") or {}).get("timestamp")
    return datetime.fromtimestamp(stamp, UTC).date().isoformat() if isinstance(stamp, (int, float)) else "unknown"


def audit(pinned: dict[str, str], db: dict) -> list[str]:
    """Every pinned version the database lists as vulnerable, with the advisory's id (and CVE)."""
    entries = {canonicalize_name(k): v for k, v in db.items() if not k.startswith("$")}
    found = []
    for name, version in sorted(pinned.items()):
        try:
            v = Version(version)
        except InvalidVersion:
            continue
        for adv in entries.get(name, []):
            for spec in adv.get("specs") or [adv.get("v", "")]:
                try:
                    hit = v in SpecifierSet(spec)
                except InvalidSpecifier:
                    continue
                if hit:
                    ref = adv.get("cve") or adv.get("id") or "no id"
                    found.append(f"{name}=={version}: {ref} (affected {spec}): {str(adv.get('advisory', ''))[:160]}")
                    break
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    ap.add_argument("--db", type=Path, help="a vulnerability database in safety-db's JSON shape (default: "
                                            "fetch safety-db from the package mirror)")
    args = ap.parse_args(argv)
    pinned = pins(args.lock)
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            got: tuple[dict, str] | None = (json.loads(args.db.read_text(encoding="utf-8")), f"{args.db.name} (given)")
        else:
            try:
                got = fetch_safety_db(Path(tmp))
            except (OSError, subprocess.TimeoutExpired, KeyError, ValueError, StopIteration):
                got = None
    if got is None:
        print(f"audit: no vulnerability database could be had ({SAFETY_DB} not on the package mirror); "
              f"{len(pinned)} pinned packages NOT audited")
        return 0
    db, source = got
    found = audit(pinned, db)
    print(f"audit: checked {len(pinned)} packages pinned in {args.lock.name} against {source}, offline; "
          f"its data is of {data_date(db)}")
    for line in found:
        print(f"audit: VULNERABLE {line}")
    print(f"audit: {len(found)} known vulnerabilit{'y' if len(found) == 1 else 'ies'} found")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
