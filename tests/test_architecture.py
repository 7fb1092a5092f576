"""The import graph of the project's own modules: no cycles, not between modules nor between packages."""

from __future__ import annotations

import grimp

PACKAGES = ("app", "cli", "db", "ui")


def _graph() -> tuple[list[str], dict[str, set[str]]]:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    modules = sorted(graph.modules)
    return modules, {module: set(graph.find_modules_directly_imported_by(module)) for module in modules}


def _cycles(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
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
                    work.append((child, iter(sorted(edges.get(child, ())))))
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
                    found.append(sorted(component))
    return found


def test_no_import_cycle_between_modules() -> None:
    modules, edges = _graph()
    assert _cycles(modules, edges) == []


def test_no_import_cycle_between_packages() -> None:
    modules, edges = _graph()

    def unit(module: str) -> str:  # app.matching.scorer -> app.matching; app.cards -> app.cards
        return ".".join(module.split(".")[:2])

    packages: dict[str, set[str]] = {}
    for module in modules:
        for imported in edges[module]:
            if unit(module) != unit(imported):
                packages.setdefault(unit(module), set()).add(unit(imported))
    assert _cycles(sorted(packages), packages) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles(["a", "b", "c"], {"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]
    assert _cycles(["a", "b"], {"a": {"b"}}) == []
