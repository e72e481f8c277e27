"""The import graph of jobatlas: floors, no import up a floor, no cycle.

The floors, top first. A module may import from its own floor or any floor below it, never
from one above. A floor written ``a | b`` holds siblings that must not import each other.
A new module belongs on a floor: add it to ``FLOORS`` (the test fails until it is placed).
"""

from __future__ import annotations

from collections.abc import Iterator

import grimp
import pytest

FLOORS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("cli", "serve"),
    ("api",),
    ("report",),
    ("indicators",),
    ("collect",),
    ("ingest", "pipeline"),
    ("store", "engines"),
    ("normalize",),
    ("sources",),
    ("errors", "models", "config", "sanitize", "csvio", "progress", "bundled", "data", "helper"),
)
"""The bottom floor is one floor whose modules may import each other (csvio uses errors)."""

SIBLINGS = frozenset({("ingest", "pipeline"), ("store", "engines")})
"""Floors whose members are independent of each other."""

PACKAGE = "jobatlas"
API_FLOORS = ("jobatlas.cli", "jobatlas.api", "jobatlas.__main__")
"""The package itself is the public API (``jobatlas.api`` re-exported): only the floors at
or above the API may import it; a lower module importing ``jobatlas`` would import the
floors above it."""


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None)


@pytest.fixture(scope="module")
def runtime_graph() -> grimp.ImportGraph:
    """Without the imports made for type checking only, which cannot loop at run time."""
    return grimp.build_graph(PACKAGE, exclude_type_checking_imports=True, cache_dir=None)


def _layers() -> list[grimp.Layer]:
    return [grimp.Layer(*floor, independent=floor in SIBLINGS) for floor in FLOORS]


def _floor_of(module: str) -> str | None:
    tail = module.removeprefix(PACKAGE + ".").split(".")[0]
    return next((tail for floor in FLOORS if tail in floor), None)


def test_every_module_is_on_a_floor(graph: grimp.ImportGraph) -> None:
    unplaced = sorted(m for m in graph.modules if m != PACKAGE and _floor_of(m) is None)
    assert not unplaced, f"put these modules on a floor in FLOORS: {unplaced}"


def test_no_import_runs_up_a_floor(graph: grimp.ImportGraph) -> None:
    illegal = graph.find_illegal_dependencies_for_layers(layers=_layers(), containers={PACKAGE})
    routes = sorted(
        f"{dep.importer} -> {dep.imported}: "
        + "; ".join(" -> ".join(route.heads | route.tails) for route in dep.routes)
        for dep in illegal
    )
    assert not routes, "imports up a floor:\n" + "\n".join(routes)


def test_only_the_command_line_imports_the_package_itself(graph: grimp.ImportGraph) -> None:
    importers = graph.find_modules_that_directly_import(PACKAGE)
    wrong = sorted(m for m in importers if m != PACKAGE and not m.startswith(API_FLOORS))
    assert not wrong, f"import the module they need, not the package: {wrong}"


def _cycles(graph: grimp.ImportGraph) -> Iterator[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    yield sorted(component)


def test_no_import_cycle(runtime_graph: grimp.ImportGraph) -> None:
    found = list(_cycles(runtime_graph))
    assert not found, f"import cycles: {found}"


def test_the_checks_catch_a_cycle_and_an_upward_import() -> None:
    """The same checks on a graph with a known cycle and a known upward import."""
    fake = grimp.ImportGraph()
    modules = ("jobatlas", "jobatlas.sources", "jobatlas.sources.base", "jobatlas.sources.lever")
    for module in (*modules, "jobatlas.cli"):
        fake.add_module(module)
    fake.add_import(importer="jobatlas.sources.base", imported="jobatlas.sources.lever")
    fake.add_import(importer="jobatlas.sources.lever", imported="jobatlas.sources.base")
    fake.add_import(importer="jobatlas.sources.base", imported="jobatlas.cli")
    assert list(_cycles(fake)) == [["jobatlas.sources.base", "jobatlas.sources.lever"]]
    illegal = fake.find_illegal_dependencies_for_layers(layers=_layers(), containers={PACKAGE})
    assert {(d.importer, d.imported) for d in illegal} == {("jobatlas.sources", "jobatlas.cli")}
