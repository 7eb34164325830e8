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
