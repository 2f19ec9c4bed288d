"""The package's house rules, read from the code itself (every import statement, lazy ones
included): each package imports only what its opening comment allows, no module imports
itself round a cycle, torch and its kin are imported under model/ alone, and nothing outside
commands/ imports a command."""

import ast
import re

import pytest

from conftest import ROOT

PACKAGE = ROOT / "igt_tools"
HEAVY = {"torch", "transformers", "peft", "safetensors", "huggingface_hub", "accelerate"}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    return _imports_of(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def _imports_of(source, module, is_package=False):
    """The absolute names a module's import statements name (`from a import b` names a and a.b)."""
    package = module if is_package else module.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
IMPORTS = {name: _imports(path) for name, path in MODULES.items()}
PACKAGES = sorted({name.split(".")[1] for name in MODULES if name.count(".") >= 1 and (PACKAGE / name.split(".")[1]).is_dir()})


def _internal(names):
    """The igt_tools modules among imported names (a name that is a module's attribute counts as the module)."""
    return {name for name in names if name in MODULES}


def _package_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in PACKAGES else None


def _allowed(package):
    """The packages `package` may import, from the `May import:` line of its opening comment."""
    docstring = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))) or ""
    found = re.search(r"May import: ([^.(]*)", docstring)
    assert found, f"igt_tools/{package}/__init__.py's opening comment says nothing of what it may import"
    words = set(re.findall(r"\w+", found.group(1)))
    if "anything" in words:
        return set(PACKAGES)
    return words & set(PACKAGES)


def test_every_package_says_what_it_may_import():
    assert {"core", "commands", "model", "glossing"} <= set(PACKAGES)
    assert _allowed("core") == set()
    for package in PACKAGES:
        _allowed(package)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_what_it_says(package):
    allowed = _allowed(package) | {package}
    wrong = sorted(
        f"{module} imports {other}"
        for module, names in IMPORTS.items() if _package_of(module) == package
        for other in _internal(names) if _package_of(other) not in allowed | {None}
    )
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_itself_round_a_cycle():
    graph = {module: {other for other in _internal(names) if other != module and other != "igt_tools"}
             for module, names in IMPORTS.items()}
    # A package's __init__ is imported with any of its modules: not a cycle of its own.
    graph = {module: {other for other in edges if not module.startswith(other + ".")} for module, edges in graph.items()}
    cycles = _strongly_connected(graph)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in cycles)


def _strongly_connected(graph):
    """The components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_torch_and_its_kin_are_imported_under_model_only():
    wrong = sorted(f"{module} imports {name}" for module, names in IMPORTS.items() if _package_of(module) != "model"
                   for name in names if name.split(".")[0] in HEAVY)
    assert not wrong, "\n".join(wrong)


def test_nothing_outside_commands_imports_a_command():
    scripts = {str(path.relative_to(ROOT)): _imports(path)
               for folder in ("training", "benchmarks") for path in sorted((ROOT / folder).rglob("*.py"))}
    library = {module: names for module, names in IMPORTS.items() if _package_of(module) != "commands"}
    wrong = sorted(f"{where} imports {name}" for where, names in {**library, **scripts}.items()
                   for name in names if name == "igt_tools.commands" or name.startswith("igt_tools.commands."))
    assert not wrong, "\n".join(wrong)


def test_the_rules_catch_what_they_forbid():
    """The checks see lazy imports and relative ones: a rule that cannot fail protects nothing."""
    names = _imports_of("def f():\n    import torch\n    from ..commands import gloss\n", "igt_tools.glossing.word")
    assert "torch" in names and "igt_tools.commands.gloss" in names
    assert _package_of(next(iter(_internal(names)))) == "commands"
    assert _strongly_connected({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [{"a", "b"}]
