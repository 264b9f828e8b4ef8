"""Where the permission rules live: each area's rules in its own app's `permissions.py`.

`incidents.permissions` governs concerns, conflicts, restriction, evidence and the
person export; retention is `records.permissions`, spreadsheet imports
`imports.permissions`, reports `reporting.permissions`, API tokens `api.permissions`, and
whose rules a service identity's request passes `accounts.permissions`. These tests fail
when a rule of another area creeps back into `incidents.permissions`, when a merged
synonym comes back, when anything under `incidents/` imports `reporting`, or when a
permissions module takes part in an import cycle.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from incidents import permissions as concern_rules

ROOT = Path(__file__).resolve().parent.parent

AREAS = {
    "reporting.permissions": (
        "REPORT_ROLES",
        "can_view_reports",
        "is_sector_analyst",
        "report_organisations",
        "can_drill_through",
    ),
    "records.permissions": (
        "can_manage_records",
        "records_concerns",
        "can_view_retention",
        "can_place_legal_hold",
        "can_approve_disposal",
    ),
    "imports.permissions": (
        "can_import",
        "can_confirm_import",
        "imports_visible_to",
        "get_import_batch_for_user",
    ),
    "api.permissions": (
        "is_token_manager",
        "can_hold_token",
        "can_make_service_token",
        "can_create_token_for",
        "token_in_force",
        "service_identities_for",
        "tokens_visible_to",
        "get_token_for_user",
    ),
}
SHARED = ("is_service_identity", "answers_to")  # accounts.permissions, used by every area

# Names merged into another or renamed because they misled (see the commit):
GONE = (
    "is_hr_for",  # the same as can_view_case_record
    "_is_hr_for",  # now _can_view_case_record_alone
    "get_case_record_for_user",  # now get_concern_for_user(..., full_record=True)
    "handles",  # now _is_handler: only part of a rule
    "case_managers_for",  # now managers_to_notify: not the people is_case_manager names
    "_answers_to",  # now accounts.permissions.answers_to
)

PERMISSION_MODULES = ("accounts.permissions", "incidents.permissions", *AREAS)


@pytest.mark.parametrize("module", list(AREAS))
def test_each_areas_rules_live_in_its_own_module_and_not_in_incidents(module):
    area = importlib.import_module(module)
    for name in AREAS[module]:
        assert hasattr(area, name), f"{module}.{name} is missing"
        assert not hasattr(concern_rules, name), f"{name} belongs in {module}, not incidents"


@pytest.mark.parametrize("module", list(AREAS))
def test_nothing_defined_in_another_area_is_defined_or_re_exported_by_incidents(module):
    area = importlib.import_module(module)
    own = {
        name
        for name, value in vars(area).items()
        if not name.startswith("__")
        and (
            getattr(value, "__module__", None) == module or (name.isupper() and not callable(value))
        )
    }
    assert own, module
    assert not own & set(vars(concern_rules)), module


def test_the_service_identity_helpers_are_shared_not_redefined():
    shared = importlib.import_module("accounts.permissions")
    for name in SHARED:
        assert getattr(concern_rules, name, getattr(shared, name)) is getattr(shared, name)
    for module in AREAS:
        area = importlib.import_module(module)
        for name in SHARED:
            assert getattr(area, name, getattr(shared, name)) is getattr(shared, name), module


def test_merged_synonyms_do_not_come_back():
    for name in GONE:
        assert not hasattr(concern_rules, name), name


@pytest.mark.parametrize("module", PERMISSION_MODULES)
def test_every_permissions_module_says_what_it_governs(module):
    doc = inspect.getdoc(importlib.import_module(module))
    assert doc and len(doc.split()) >= 10, module


def _imported_modules(tree: ast.AST) -> set[str]:
    """Every absolute module name a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def test_nothing_under_incidents_imports_reporting():
    offenders = []
    for path in sorted((ROOT / "incidents").rglob("*.py")):
        for name in _imported_modules(ast.parse(path.read_text(), filename=str(path))):
            if name == "reporting" or name.startswith("reporting."):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders


# --- Import cycles ---------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The project modules this one imports while it is being imported (not inside
    functions, not under `if TYPE_CHECKING:`)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(body):
        for node in body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                found.add(source)
                found.update(f"{source}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If) and not (
                isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
            ):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)

    visit(ast.parse(path.read_text(), filename=str(path)).body)
    return (found & known) - {module}


def _import_graph() -> dict[str, set[str]]:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    paths = {
        _module_name(path): path
        for app in apps
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    known = set(paths)
    return {name: _top_level_imports(path, name, known) for name, path in paths.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph[start])
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return False


@pytest.mark.parametrize("module", PERMISSION_MODULES)
def test_no_permissions_module_is_part_of_an_import_cycle(module):
    graph = _import_graph()
    assert module in graph
    assert not _reaches(graph, module, module), f"{module} imports itself through a cycle"
