"""A user installing from PyPI gets no repository: the schema and templates must ship inside the wheel."""
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_carries_schema_and_templates(tmp_path: Path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("ehcp_docs-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in ROOT.glob("schema/*.json"):
        assert f"ehcp_docs/_data/schema/{schema.name}" in names
    for template in ROOT.glob("templates/*.docx"):
        assert f"ehcp_docs/_data/templates/{template.name}" in names
    assert "ehcp_docs/model/lint_phrases.json" in names
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "ehcp = ehcp_docs.cli:main" in entry


def _audit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "audit_deps.py"), *args], capture_output=True,
                          text=True, timeout=120)


def test_dependency_audit_names_its_database_and_counts_the_packages_offline(tmp_path: Path):
    """Issue 17 point 15: the audit reads a database that works offline and says which it was, how old its data
    is and how many packages it checked; a pinned version listed as vulnerable fails it (here a database given
    with --db, in safety-db's shape, so the test needs no package mirror)."""
    import json

    lock = tmp_path / "requirements.lock"
    lock.write_text("# pinned\nJinja2==2.10\nclick==8.5.1\nPyYAML[extra]==6.0.3\n", encoding="utf-8")
    db = tmp_path / "insecure_full.json"
    db.write_text(json.dumps({"$meta": {"timestamp": 1625119201},
                              "jinja2": [{"id": "pyup.io-1", "cve": "CVE-2020-28493", "specs": ["<2.11.3"],
                                          "advisory": "ReDoS in the urlize filter."}],
                              "click": [{"id": "pyup.io-2", "cve": None, "specs": ["<0.1"], "advisory": "old"}]}))
    r = _audit("--lock", str(lock), "--db", str(db))
    assert r.returncode == 1, r.stdout + r.stderr
    assert ("audit: checked 3 packages pinned in requirements.lock against insecure_full.json (given), offline; "
            "its data is of 2021-07-01") in r.stdout
    assert "audit: VULNERABLE jinja2==2.10: CVE-2020-28493 (affected <2.11.3)" in r.stdout
    assert "click" not in r.stdout.split("VULNERABLE", 1)[1] and "1 known vulnerability found" in r.stdout
    lock.write_text("Jinja2==3.1.6\n", encoding="utf-8")
    r = _audit("--lock", str(lock), "--db", str(db))
    assert r.returncode == 0 and "0 known vulnerabilities found" in r.stdout


def test_ci_runs_the_offline_audit():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 scripts/audit_deps.py" in run and "pip-audit -r" not in run
    assert run.index("scripts/audit_deps.py") < run.rindex("make test")
