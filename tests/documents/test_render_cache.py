"""Compiled template code is cached (documents/render._CompiledTemplates): the documents are the same whether
the code was compiled now, read from memory or read from the private folder; a changed template is compiled
afresh; and a cache file that is damaged, or that another user could have written, is never run."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ehcp_docs.documents import render, saving
from ehcp_docs.documents import template_blocks as lk
from ehcp_docs.documents.saving import Meta


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "_COMPILED", render._CompiledTemplates())
    return tmp_path / "cache" / "ehcp-docs" / "templates"


def template(tmp: Path, *lines: str, name: str = "tiny") -> Path:
    doc = lk.base_document()
    for line in lines:
        doc.add_paragraph(line)
    path = tmp / f"{name}.docx"
    doc.save(str(path))
    return path


def make(tpl: Path, out: Path, **ctx: object) -> str:
    render.render_document(tpl, ctx, out, Meta(title="t", author="LA"))
    return saving.docx_text(out)


def forget_memory() -> None:
    render._COMPILED.memory.clear()


def test_cached_code_gives_the_same_document(tmp_path: Path, fresh_cache: Path):
    tpl = template(tmp_path, "Dear {{ name }},", "{% for x in items %}- {{ x }} {% endfor %}")
    first = make(tpl, tmp_path / "a.docx", name="Ada & <Co>", items=["one", "two"])
    assert "Dear Ada & <Co>," in first and "- one - two" in first
    files = sorted(fresh_cache.glob("*.code"))
    assert files, "nothing was cached"
    assert stat.S_IMODE(fresh_cache.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert make(tpl, tmp_path / "b.docx", name="Ada & <Co>", items=["one", "two"]) == first  # from memory
    forget_memory()
    assert make(tpl, tmp_path / "c.docx", name="Ada & <Co>", items=["one", "two"]) == first  # from the folder
    assert sorted(fresh_cache.glob("*.code")) == files


def test_a_changed_template_is_compiled_afresh(tmp_path: Path):
    old = template(tmp_path, "Old wording for {{ name }}")
    assert "Old wording for Bo" in make(old, tmp_path / "a.docx", name="Bo")
    new = template(tmp_path, "New wording for {{ name }}")  # same file name, new text
    text = make(new, tmp_path / "b.docx", name="Bo")
    assert "New wording for Bo" in text and "Old wording" not in text


def test_the_sandbox_still_applies_to_cached_code(tmp_path: Path):
    tpl = template(tmp_path, "{{ 'x' * n }}")
    assert "xxx" in make(tpl, tmp_path / "a.docx", n=3)
    forget_memory()
    with pytest.raises(render.RenderError, match="stopped because a repetition of more than"):
        make(tpl, tmp_path / "b.docx", n=10 ** 9)


def test_damaged_or_foreign_cache_files_are_never_run(tmp_path: Path, fresh_cache: Path):
    tpl = template(tmp_path, "Hello {{ name }}")
    good = make(tpl, tmp_path / "a.docx", name="Cy")
    files = list(fresh_cache.glob("*.code"))
    for f in files:
        f.write_bytes(b"not marshal data")
    forget_memory()
    assert make(tpl, tmp_path / "b.docx", name="Cy") == good  # recompiled and rewritten
    assert all(f.read_bytes() != b"not marshal data" for f in files)
    f = files[0]
    os.chmod(f, 0o644)  # as if another user could have written it
    forget_memory()
    assert render._COMPILED.get(f.stem) is None
    os.chmod(f, 0o600)
    assert render._COMPILED.get(f.stem) is not None
    os.chmod(fresh_cache, 0o755)  # a folder others can read: not used at all
    render._COMPILED._folder = False
    forget_memory()
    assert render._COMPILED.folder() is None
    assert make(tpl, tmp_path / "c.docx", name="Cy") == good


def test_the_folder_can_be_turned_off(tmp_path: Path, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EHCP_TEMPLATE_CACHE", "0")
    tpl = template(tmp_path, "Hello {{ name }}")
    assert "Hello Di" in make(tpl, tmp_path / "a.docx", name="Di")
    assert not fresh_cache.exists()
