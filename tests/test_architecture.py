"""Which way imports go between the layers, read from the source with `ast` (function-local imports
included, so a cycle or a Slack import cannot hide inside a function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SLACK_FACING = ("slack_bolt", "slack_sdk", "bot.listeners")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_under(place: str) -> dict[str, Path]:
    """The modules in a folder (and below it), or the one module a file is."""
    root = ROOT / place
    paths = [root] if root.is_file() else sorted(root.rglob("*.py"))
    assert paths, f"no Python source at {place}"
    return {module_name(path): path for path in paths}


def imported_names(path: Path, module: str) -> set[str]:
    """Every module a file imports, wherever the import statement is; `from a import b` counts as `a` and
    `a.b` (b may be a submodule)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imports_within(place: str, prefixes: tuple[str, ...]) -> set[str]:
    """Each import in `place` of a module within one of `prefixes`, as "module imports target"."""
    return {
        f"{name} imports {target}"
        for name, path in modules_under(place).items()
        for target in imported_names(path, name)
        if any(is_within(target, prefix) for prefix in prefixes)
    }


def nested_functions(path: Path) -> set[str]:
    """Each function defined inside another function (a lambda is an expression, not a definition)."""
    found: set[str] = set()
    for outer in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(outer, FUNCTIONS):
            found.update(
                f"{node.name} in {outer.name}, line {node.lineno}"
                for node in ast.walk(outer)
                if node is not outer and isinstance(node, FUNCTIONS)
            )
    return found


def is_within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in the graph, as the path that closes it, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph[node]):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def services_graph() -> dict[str, set[str]]:
    services = modules_under("bot/services")
    return {
        name: {target for target in imported_names(path, name) if target in services and target != name}
        for name, path in services.items()
    }


def test_imports_are_read_from_inside_functions_too(tmp_path):
    # The walker must see what a function imports, or the cycle check below could pass on a hidden cycle.
    source = tmp_path / "sample.py"
    source.write_text("def later():\n    from bot.services.nudges import reschedule_nudge\n")
    assert "bot.services.nudges" in imported_names(source, "bot.services.sample")


def test_cycle_finder_reports_the_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_services_import_each_other_without_cycles():
    graph = services_graph()
    assert graph["bot.services.nudges"], "the services graph came out empty: the import reader is broken"
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_services_import_at_the_top_only():
    # A function-local import is how a cycle hides from a reader (and from the first import that fails).
    hidden = {
        f"{name} line {node.lineno}"
        for name, path in modules_under("bot/services").items()
        for function in ast.walk(ast.parse(path.read_text()))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    assert not hidden, sorted(hidden)


@pytest.mark.parametrize("layer", ["bot/services", "bot/views", "bot/parsing", "bot/forms", "bot/charts"])
def test_domain_layers_import_nothing_slack_facing(layer):
    offending = imports_within(layer, SLACK_FACING)
    assert not offending, sorted(offending)


@pytest.mark.parametrize("layer", ["scheduler", "bot/flows", "bot/forms", "bot/gateway.py"])
def test_what_listeners_use_imports_no_listener(layer):
    offending = imports_within(layer, ("bot.listeners",))
    assert not offending, sorted(offending)


def test_nested_functions_are_found_and_lambdas_are_not(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "def listener(ack):\n"
        "    def later():\n"
        "        pass\n"
        "    sort_key = lambda item: item[0]\n"
        "    class Holder:\n"
        "        async def method(self):\n"
        "            pass\n"
    )
    assert nested_functions(source) == {"later in listener, line 2", "method in listener, line 6"}


def test_listeners_define_no_function_inside_another():
    # Listeners are module-level functions that get what they need by argument: a closure would hide it.
    nested = {
        f"{name}: {function}"
        for name, path in modules_under("bot/listeners").items()
        for function in nested_functions(path)
    }
    assert not nested, sorted(nested)


def test_charts_draw_what_they_are_given_and_reach_for_nothing_else():
    # bot/charts is data in, PNG bytes out: like views it may read the services' data types (the insights
    # chart draws the insights service's figures), never models, Slack, views or flows.
    offending = {
        line
        for line in imports_within("bot/charts", ("bot", "models"))
        if not (" imports bot.charts" in line or " imports bot.services" in line)
    }
    assert not offending, sorted(offending)
