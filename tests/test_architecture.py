"""The map of the code, enforced (DESIGN.md). The package is read as source (ast), never imported, and these rules
must hold for every module, counting imports made inside functions and under TYPE_CHECKING too:

- click only in cli/;
- GitPython, and any git command, only in store/gitstore.py; nothing outside store/ reaches `.git`;
- no import from a higher layer: shared (errors, config, fileio, resources) < statutory < model < store < casework
  < documents < cli;
- no import cycle;
- no statutory period outside statutory/: no `timedelta` with a number in it, no call of the period arithmetic
  (within_weeks, months_after, ...).

`test_the_rules_catch_planted_violations` proves the checker fails on real violations, in a copy of the package."""
from __future__ import annotations

import ast
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ehcp_docs"
SHARED = ("errors", "config", "fileio", "resources")
LAYERS = ("statutory", "model", "store", "casework", "documents", "cli")  # lowest first
GITSTORE = "ehcp_docs.store.gitstore"
GIT_COMMANDS = frozenset({
    "add", "am", "apply", "branch", "cat-file", "check-attr", "checkout", "cherry-pick", "clean", "clone",
    "commit", "commit-graph", "config", "count-objects", "diff", "diff-tree", "fetch", "filter-branch",
    "for-each-ref", "fsck", "gc", "grep", "hash-object", "init", "log", "ls-files", "ls-remote", "ls-tree",
    "merge", "merge-base", "mv", "pack-refs", "pull", "push", "rebase", "reflog", "remote", "repack", "reset",
    "restore", "rev-list", "rev-parse", "rm", "show", "show-ref", "stash", "status", "switch", "symbolic-ref",
    "tag", "update-index", "update-ref", "worktree"})
# how a command is run: subprocess's functions, GitStore's own runners, GitPython's execute
RUNNERS = frozenset({"run", "_run", "popen", "_popen", "Popen", "call", "check_call", "check_output", "execute"})
PERIOD_FUNCTIONS = frozenset({
    "within_weeks", "within_days", "period_beginning_with", "months_after", "add_months", "add_working_days",
    "at_least_weeks_before", "at_least_days_before", "within_months_starting", "within_12_months_starting",
    "before_fixed", "before_fixed_date", "relativedelta"})


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    imports: set[str] = field(default_factory=set)  # ehcp_docs modules it imports
    libraries: set[str] = field(default_factory=set)  # top-level names of everything else it imports


def modules(package: Path) -> dict[str, Module]:
    """Every module of the package (a package's __init__ under the package's own name)."""
    found: dict[str, Module] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    for m in found.values():
        _read_imports(m, found)
    return found


def _read_imports(m: Module, known: dict[str, Module]) -> None:
    is_package = m.path.name == "__init__.py"
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                _add(m, a.name, known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = m.name.split(".") if is_package else m.name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for a in node.names:
                target = f"{base}.{a.name}"
                _add(m, target if target in known else base, known)


def _add(m: Module, name: str, known: dict[str, Module]) -> None:
    if name == "ehcp_docs" or name.startswith("ehcp_docs."):
        while name not in known and "." in name:
            name = name.rsplit(".", 1)[0]
        if name != m.name:
            m.imports.add(name)
    else:
        m.libraries.add(name.split(".")[0])


def layer(name: str) -> int:
    """0 for the shared modules at the top of the package, 1.. for the layers, the CLI's entry point last."""
    parts = name.split(".")
    if len(parts) == 1 or parts[1] in SHARED:
        return 0
    if parts[1] == "__main__":
        return len(LAYERS) + 1
    return LAYERS.index(parts[1]) + 1


def _inside(name: str, folder: str) -> bool:
    return name == f"ehcp_docs.{folder}" or name.startswith(f"ehcp_docs.{folder}.")


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _has_number(call: ast.Call) -> bool:
    args = list(call.args) + [k.value for k in call.keywords]
    return any(isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)
               for a in args for n in ast.walk(a))


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring nodes (their words may name git commands freely)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _git_violations(m: Module) -> list[str]:
    where = m.name.replace("ehcp_docs.", "")
    out = []
    if "git" in m.libraries:
        out.append(f"{where}: imports GitPython (only store/gitstore.py may)")
    docs = _docstrings(m.tree)
    for node in ast.walk(m.tree):
        if isinstance(node, (ast.List, ast.Tuple)) and node.elts and isinstance(node.elts[0], ast.Constant) \
                and node.elts[0].value == "git":
            out.append(f"{where}:{node.lineno}: builds a git command line (only store/gitstore.py may)")
        elif isinstance(node, ast.Call) and _call_name(node) in RUNNERS and node.args \
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in GIT_COMMANDS \
                and id(node.args[0]) not in docs:
            out.append(f"{where}:{node.lineno}: runs the git command '{node.args[0].value}' "
                       "(only store/gitstore.py may)")
    return out


def violations(package: Path) -> list[str]:
    """Every breach of the map, one line each, worded for the person who must fix it."""
    mods = modules(package)
    out: list[str] = []
    for m in mods.values():
        where = m.name.replace("ehcp_docs.", "")
        if "click" in m.libraries and not _inside(m.name, "cli"):
            out.append(f"{where}: imports click (only cli/ may)")
        if m.name != GITSTORE:
            out += _git_violations(m)
        if not _inside(m.name, "store"):
            out += [f"{where}:{n.lineno}: reaches into the store's git (`.git`): ask Store instead"
                    for n in ast.walk(m.tree) if isinstance(n, ast.Attribute) and n.attr in ("git", "_git", "_repo")]
        for dep in sorted(m.imports):
            if layer(dep) > layer(m.name):
                out.append(f"{where}: imports {dep.replace('ehcp_docs.', '')}, which is in a higher layer")
        if not _inside(m.name, "statutory"):
            for n in ast.walk(m.tree):
                if isinstance(n, ast.Call) and _call_name(n) == "timedelta" and _has_number(n):
                    out.append(f"{where}:{n.lineno}: a period written as a number (timedelta): take it from "
                               "statutory/ (statutory.due)")
                elif isinstance(n, ast.Call) and _call_name(n) in PERIOD_FUNCTIONS:
                    out.append(f"{where}:{n.lineno}: counts a statutory period itself ({_call_name(n)}): take it "
                               "from statutory/ (statutory.due)")
    out += [f"import cycle: {' -> '.join(c)}" for c in cycles({k: v.imports for k, v in mods.items()})]
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


# ---- the tree as it is -----------------------------------------------------------------------------------------
def test_the_package_keeps_the_map():
    assert violations(PACKAGE) == []


def test_layers_are_packages_and_few_modules_sit_at_the_top():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    assert set(top) <= {"__init__", "__main__", *SHARED}
    for name in LAYERS:
        assert (PACKAGE / name / "__init__.py").is_file(), name
    every = modules(PACKAGE)
    assert all(layer(name) >= 0 for name in every)  # every module is in a known layer


def test_only_gitstore_uses_subprocess_for_git():
    """The store's own processes (cat-file, log) and GitPython are started in one module."""
    users = sorted(m.name for m in modules(PACKAGE).values() if "git" in m.libraries)
    assert users == [GITSTORE]


def test_only_the_mail_module_talks_smtp():
    """Email leaves through one module (casework/mail.py), which insists on TLS: no other module may open an SMTP
    connection, plain or not."""
    users = sorted(m.name for m in modules(PACKAGE).values() if "smtplib" in m.libraries)
    assert users == ["ehcp_docs.casework.mail"]


def test_design_names_every_module():
    design = (ROOT / "DESIGN.md").read_text(encoding="utf-8")
    missing = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if p.name not in ("__init__.py", "__main__.py")
               and str(p.relative_to(PACKAGE)) not in design]
    assert missing == []


# ---- the checker fails on real violations ----------------------------------------------------------------------
PLANTED = {
    "statutory/planted_click.py": "import click\n",
    "casework/planted_git.py": "import subprocess\n\n\ndef f():\n    subprocess.run(['git', 'log'])\n",
    "casework/planted_git_command.py": "def f(store):\n    return store.run('rev-list', '--count', 'HEAD')\n",
    "documents/planted_period.py": "from datetime import timedelta\n\nDUE = timedelta(days=28)\n",
    "documents/planted_arithmetic.py": "from ehcp_docs import statutory\n\n\ndef f(d):\n"
                                       "    return statutory.within_weeks(d, 4)\n",
    "model/planted_upward.py": "def f():\n    from ehcp_docs.casework import review\n    return review\n",
    "cli/planted_reach.py": "def f(store):\n    return store.git.head()\n",
    "statutory/planted_cycle_a.py": "from ehcp_docs.statutory import planted_cycle_b\n",
    "statutory/planted_cycle_b.py": "from ehcp_docs.statutory import planted_cycle_a\n",
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> list[str]:
    copy = tmp_path_factory.mktemp("tree") / "ehcp_docs"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for rel, source in PLANTED.items():
        (copy / rel).write_text(source, encoding="utf-8")
    return violations(copy)


@pytest.mark.parametrize(("planted_file", "expected"), [
    ("statutory.planted_click", "imports click"),
    ("casework.planted_git", "builds a git command line"),
    ("casework.planted_git_command", "runs the git command 'rev-list'"),
    ("documents.planted_period", "a period written as a number"),
    ("documents.planted_arithmetic", "counts a statutory period itself (within_weeks)"),
    ("model.planted_upward", "imports casework.review, which is in a higher layer"),
    ("cli.planted_reach", "reaches into the store's git"),
    ("ehcp_docs.statutory.planted_cycle_a -> ehcp_docs.statutory.planted_cycle_b", "import cycle"),
])
def test_the_rules_catch_planted_violations(planted: list[str], planted_file: str, expected: str):
    assert any(planted_file in v and expected in v for v in planted), planted
    assert len(planted) == len(PLANTED) - 1, planted  # nothing else is reported (the two cycle files: one cycle)
