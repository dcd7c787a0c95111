"""The layout's rules: the engine's front door, its layers, the parts that never see Home
Assistant, and no import cycles.

Imports are read from the source (``if TYPE_CHECKING:`` ones too: a cycle only the type
checker sees is still a cycle in the design).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "lwm2m"
ENGINE = INTEGRATION / "engine"
ENGINE_PACKAGE = "custom_components.lwm2m.engine"
# Packages that know nothing of Home Assistant (the engine has a test of its own).
WITHOUT_HOME_ASSISTANT = ("device_protocols", "values", "shell")

# The engine's parts, lowest first: a module may import its own part and lower ones.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "path values clock log_once socket_buffers errors events",
        "model",
        "codec",
        "credentials",
        "dtls",
        "transport",
        "requests",
        "registration",
        "server",
        "bootstrap",
        "firmware",
        "lwm2m_engine __init__",
    )
)


def _module_name(source: Path) -> str:
    parts = source.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: Path) -> Iterator[str]:
    """The absolute names of the modules ``source`` imports from this project."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    package = _module_name(source)
    if source.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _project_modules() -> dict[str, Path]:
    return {_module_name(source): source for source in INTEGRATION.rglob("*.py")}


def _part(module: str) -> str:
    """``custom_components.lwm2m.engine.server.dispatcher`` -> ``server``."""
    rest = module.removeprefix(ENGINE_PACKAGE).lstrip(".")
    return rest.split(".", 1)[0] or "__init__"


def _layer(part: str) -> int:
    return next(index for index, names in enumerate(LAYERS) if part in names)


def test_home_assistant_side_uses_only_the_engines_front_door() -> None:
    offenders = [
        f"{source.relative_to(ROOT)} imports {name}"
        for source in INTEGRATION.rglob("*.py")
        if not source.is_relative_to(ENGINE)
        for name in set(_imports(source))
        if name.startswith(f"{ENGINE_PACKAGE}.") and name.rpartition(".")[0] != ENGINE_PACKAGE
    ]
    assert offenders == []


def test_device_logic_never_sees_home_assistant() -> None:
    """Neither directly nor through a module of the integration it imports."""
    modules = _project_modules()
    allowed = tuple(
        f"custom_components.lwm2m.{name}" for name in (*WITHOUT_HOME_ASSISTANT, "engine")
    )
    offenders = []
    for package in WITHOUT_HOME_ASSISTANT:
        for source in (INTEGRATION / package).rglob("*.py"):
            for name in set(_imports(source)):
                home_assistant = name == "homeassistant" or name.startswith("homeassistant.")
                if home_assistant or (name in modules and not name.startswith(allowed)):
                    offenders.append(f"{source.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_every_engine_part_has_a_layer() -> None:
    parts = {_part(name) for name in _project_modules() if name.startswith(ENGINE_PACKAGE)}
    assert parts == set().union(*LAYERS)


def test_no_engine_part_imports_a_higher_one() -> None:
    modules = _project_modules()
    offenders = []
    for name, source in modules.items():
        if not name.startswith(f"{ENGINE_PACKAGE}."):
            continue
        own = _layer(_part(name))
        for imported in set(_imports(source)):
            engine_module = imported in modules and imported.startswith(f"{ENGINE_PACKAGE}.")
            if engine_module and _layer(_part(imported)) > own:
                offenders.append(f"{name} imports {imported}")
    assert sorted(offenders) == []


def test_no_import_cycles() -> None:
    modules = _project_modules()
    graph = {
        name: {imported for imported in _imports(source) if imported in modules} - {name}
        for name, source in modules.items()
    }
    # A package's __init__ re-exporting its modules is not a cycle through them.
    for name in graph:
        graph[name] = {
            imported
            for imported in graph[name]
            if not (modules[imported].name == "__init__.py" and name.startswith(f"{imported}."))
        }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []
