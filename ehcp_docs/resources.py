"""Finds the bundled schema and templates. In a wheel they live in ehcp_docs/_data (copied at build time);
in a source checkout they are the repository's own schema/ and templates/ folders."""
from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled {name}/ folder is missing from this installation")


def schema_path(name: str) -> Path:
    return data_dir("schema") / name


def template_path(name: str) -> Path:
    return data_dir("templates") / name
