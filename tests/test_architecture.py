"""The shape of the code: no import cycles in ``helpline`` and ``workers``, and the web layer
reaches the workers only through the job registry.

Every import counts, at module level and inside functions: a function-level import breaks a
cycle at start-up but not in the design. ``from X import Y`` is an import of the module X.Y
when there is one, else of X. A module importing its own package (``from helpline.api import
bp`` in ``helpline.api.volunteer``) is how a package's parts find each other, not a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("helpline", "workers")


def modules() -> dict[str, Path]:
    """Every module in the packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that module ``name`` imports anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
    edges = set()
    for target in targets:
        while target and target not in known:  # ``import a.b.c`` of a package's attribute
            target = target.rpartition(".")[0]
        if target and target != name and not name.startswith(target + "."):
            edges.add(target)
    return edges


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(name, path, set(found)) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def a_cycle_in(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One concrete cycle through a component: a -> b -> ... -> a (to name in a failure)."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")


def test_helpline_and_workers_have_no_import_cycle():
    graph = import_graph()
    found = [" -> ".join(a_cycle_in(component, graph)) for component in cycles(graph)]
    assert found == [], "import cycles:\n" + "\n".join(found)


def test_the_cycle_check_finds_a_cycle_through_functions_and_packages():
    graph = {
        "helpline.ops": {"workers"},
        "workers": {"helpline.logs", "helpline.ops"},
        "helpline.logs": set(),
        "helpline.api": {"helpline.api.volunteer"},
        "helpline.api.volunteer": set(),
    }
    assert cycles(graph) == [["helpline.ops", "workers"]]
    assert a_cycle_in(["helpline.ops", "workers"], graph) == [
        "helpline.ops",
        "workers",
        "helpline.ops",
    ]


def test_imports_inside_functions_and_of_submodules_are_edges(tmp_path):
    source = tmp_path / "ops.py"
    source.write_text(
        "from helpline import keys\n"
        "def collect():\n"
        "    from workers import periodic\n"
        "    import helpline.api.volunteer\n"
        "    from . import config\n"
    )
    known = {"helpline", "helpline.keys", "helpline.config", "helpline.api",
             "helpline.api.volunteer", "workers", "workers.periodic"}  # fmt: skip
    assert imported("helpline.ops", source, known) == {
        "helpline.keys",
        "workers.periodic",
        "helpline.api.volunteer",
        "helpline.config",
    }


def test_a_module_importing_its_own_package_is_no_edge(tmp_path):
    source = tmp_path / "volunteer.py"
    source.write_text("from helpline.api import bp, error\nfrom helpline import keys\n")
    known = {"helpline", "helpline.api", "helpline.api.volunteer", "helpline.keys"}
    assert imported("helpline.api.volunteer", source, known) == {"helpline.keys"}


def test_helpline_reaches_the_workers_only_through_the_job_registry():
    graph = import_graph()
    into_workers = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith("helpline")
        for target in targets
        if target.split(".")[0] == "workers"
    )
    assert into_workers == []


def test_every_dotted_path_in_the_job_registry_names_a_worker_function():
    from rq.utils import import_attribute

    from helpline import jobs

    paths = [job.path for job in jobs.PERIODIC] + [jobs.RUN_WORKER, jobs.RUN_CRON]
    assert all(path.startswith("workers.") and callable(import_attribute(path)) for path in paths)


def test_no_module_of_the_helpline_is_longer_than_500_lines():
    """A module past 500 lines does more than one job (the settings table, the longest data
    in code, is under it too)."""
    long = {
        str(path.relative_to(ROOT)): length
        for path in sorted((ROOT / "helpline").rglob("*.py"))
        if (length := len(path.read_text().splitlines())) > 500
    }
    assert long == {}


# The layers that parse a request or a job, call a service and serialise: they reach Redis
# only through the repositories (``CallStore``, ``Router``, ``Accounts``, ``JobRuns`` ...).
EDGE_LAYERS = ("helpline/api", "helpline/dashboard", "helpline/voice", "workers")
REDIS_COMMANDS = {
    "get", "set", "hget", "hset", "hgetall", "hmget", "hdel", "zadd", "zrange", "zrevrange",
    "zcard", "zscore", "zrem", "zcount", "xadd", "xread", "xrevrange", "xrange", "xtrim",
    "lpush", "lrange", "ltrim", "sadd", "smembers", "incr", "expire", "delete", "scan_iter",
    "pipeline", "eval", "evalsha",
}  # fmt: skip


def redis_calls(path: Path) -> list[str]:
    """``<something>.redis.<command>(...)`` calls in a module, as ``line: command``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in REDIS_COMMANDS
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "redis"
        ):
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
            found.append(f"{where}:{node.lineno}: {node.func.attr}")
    return found


def test_views_and_jobs_reach_redis_only_through_the_repositories():
    calls = [
        call
        for layer in EDGE_LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
        for call in redis_calls(path)
    ]
    assert calls == []


def test_the_redis_check_finds_a_direct_call(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text("def view(h):\n    return h.redis.hgetall('x')\n")
    assert redis_calls(sample) == ["view.py:2: hgetall"]
