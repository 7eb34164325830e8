"""An LA's own wording: it may replace any bundled template with its own copy in <store>/templates/, which is
then versioned in the store like everything else (event `template-override`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ehcp_docs import fileio
from ehcp_docs.documents import render
from ehcp_docs.errors import NotFound, UsageError
from ehcp_docs.resources import data_dir
from ehcp_docs.store.core import Store

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
_NAME = re.compile(r"^[a-z0-9-]{1,64}$")


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    overridden: bool


def bundled_names() -> list[str]:
    return sorted(p.stem for p in data_dir("templates").glob("*.docx"))


def check_name(name: str) -> str:
    if not _NAME.match(name) or name not in bundled_names():
        raise NotFound(f"there is no template called {name[:40]}", hint=f"Templates: {', '.join(bundled_names())}")
    return name


def listing(store: Store) -> list[TemplateInfo]:
    return [TemplateInfo(n, (store.root / "templates" / f"{n}.docx").is_file()) for n in bundled_names()]


def export(store: Store, name: str, folder: Path) -> Path:
    """A copy of the template in use (the LA's own, or the bundled one) to edit in Word."""
    src = render.find_template(check_name(name), store.root)
    out = folder / f"{name}.docx"
    fileio.atomic_write(out, src.read_bytes())
    return out


def install(store: Store, name: str, file: Path, when: date) -> tuple[str | None, set[str]]:
    check_name(name)
    data = fileio.read_bytes(file, limit=MAX_TEMPLATE_BYTES, what="template")
    variables = render.check_template(data, file.name)
    with store.transaction("template-override", subject=f"LA template {name} changed", when=when.isoformat()) as txn:
        txn.write(f"templates/{name}.docx", data)
    return txn.commit, variables


def remove(store: Store, name: str, when: date) -> str | None:
    check_name(name)
    if not (store.root / "templates" / f"{name}.docx").exists():
        raise UsageError(f"the store has no override of {name}")
    with store.transaction("template-override", subject=f"LA template {name} reset to the bundled one",
                           when=when.isoformat()) as txn:
        txn.remove(f"templates/{name}.docx")
    return txn.commit
