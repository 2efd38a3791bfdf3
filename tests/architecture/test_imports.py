"""No import cycle anywhere in ``bsu/``, proven on the source by its import statements.

Every import counts: at the top of a module, inside a function (a late import hides a
cycle, it does not remove one), and under ``TYPE_CHECKING``. ``from bsu import x`` is an
edge to the module ``bsu.x`` when there is one, else to the package ``bsu``; the parent
package that Python imports first is not counted (every module would then "import" the
package that imports it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import bsu
from bsu.core.checks import CHECKS
from bsu.core.reasons import CRITERION_REASONS

PACKAGE = Path(bsu.__file__).resolve().parent

# Cycles tolerated for now, each as the sorted names of its modules, with the reason.
# None: keep it so.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def modules(root: Path) -> dict[str, Path]:
    """Every module under the package folder ``root``, by its dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The modules of ``known`` that the module ``name`` (file ``path``) imports."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                targets.add(whole if whole in known else base)
    return {_owner(t, known) for t in targets if _owner(t, known)} - {name}


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _owner(target: str, known: set[str]) -> str:
    """``target`` or the nearest enclosing module of ours (``import bsu.x.y`` names
    ``bsu.x.y``, a class imported from it names the module); '' when not ours."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target


def graph(root: Path) -> dict[str, set[str]]:
    found = modules(root)
    return {name: imported(name, path, found) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per tangle (a strongly connected group of modules), as the path
    ``a -> b -> ... -> a``, found by Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in sorted(edges[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return [_path_around(group, edges) for group in groups]


def _path_around(group: set[str], edges: dict[str, set[str]]) -> list[str]:
    """The shortest way from the group's first module back to itself (breadth first)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for after in sorted(edges[node] & group):
                if after == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if after not in came_from:
                    came_from[after] = node
                    following.append(after)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group has one


def test_no_module_of_bsu_imports_itself_back() -> None:
    found = [c for c in cycles(graph(PACKAGE)) if frozenset(c) not in KNOWN_CYCLES]
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_walk_sees_every_module_and_their_imports() -> None:
    edges = graph(PACKAGE)
    assert {"bsu", "bsu.core.engine", "bsu.api.app", "bsu.store"} <= set(edges)
    assert {"bsu.core.checks", "bsu.core.gather", "bsu.core.ruleset"} <= edges["bsu.core.engine"]
    assert "bsu.core.ruleset" in edges["bsu.core.checks"]
    assert "bsu.core.rulefile" in edges["bsu.core.ruleset"]
    assert "bsu.core.reasons" in edges["bsu.core.rulefile"]
    # A late import (inside a function) counts: serve builds the app only when it runs.
    assert "bsu.api.app" in edges["bsu.cli.serve"]


def test_a_late_import_cycle_is_found_and_named(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("")
    (root / "a.py").write_text("from pkg.sub import b\n")
    (root / "sub" / "b.py").write_text("def f():\n    from .c import g\n")
    (root / "sub" / "c.py").write_text("from ..a import thing\n")
    (root / "d.py").write_text("import pkg.a\n")
    assert cycles(graph(root)) == [["pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.a"]]


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for after in edges[todo.pop()] - seen:
            seen.add(after)
            todo.append(after)
    return seen


def test_the_rule_set_loader_reaches_neither_the_checks_nor_the_engine() -> None:
    """The loader once imported the engine late (for its criteria): the criteria's reasons
    live in ``reasons``, so a rule set loads without the code that applies it."""
    edges = graph(PACKAGE)
    assert {"bsu.core.checks", "bsu.core.engine", "bsu.core.gather"}.isdisjoint(
        reachable(edges, "bsu.core.ruleset")
    )


def test_the_engine_implements_each_criterion_the_rule_set_loader_knows() -> None:
    """The loader reads the criteria's reasons from ``bsu.core.reasons`` (not the engine): the
    two lists must be the same."""
    assert set(CHECKS) == set(CRITERION_REASONS)
