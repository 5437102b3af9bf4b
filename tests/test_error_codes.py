"""Every error code the system answers with is declared in an app's `errors.py` and documented in
docs/errors.md: a client can rely on the list, and a code typed wrong at a raise site fails here.

The source is read, not run: a code is found where it is written —
- `code="..."` (or `code=a if x else b`, or `code=SomeCode.MEMBER`) in a call of a domain error class;
- `default_code = "..."` in a domain error class;
- `{"code": "...", "message": ...}` (problem lists and the API's own error bodies);
- `return "...", _("...")` and `problem = "...", _("...")` (the problem tuples certification reports);
- a literal passed to a function that raises with `code=<its parameter>`, at that function's call sites.
A raise whose code is none of these (a variable) must be listed in DYNAMIC with the codes it can carry.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ocop.core.error_codes import DOC, declared, issue_codes, markdown
from ocop.core.errors import ErrorCode

SOURCE = Path(__file__).resolve().parent.parent / "ocop"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
BASE_ERRORS = {
    "DomainError",
    "Invalid",
    "NotFound",
    "Forbidden",
    "Conflict",
    "Unauthenticated",
    "RateLimited",
}
REFRESH = "Refresh docs/errors.md with `make api-docs` (python manage.py error_codes --write) and commit it."

# Raises whose code is computed; each is read here once, with where its codes come from.
RUBRIC_ISSUES = "a rubric issue code: ocop.rubrics.issues.MESSAGES"
DYNAMIC: dict[tuple[str, str], str | frozenset[str]] = {
    # The first problem's code; the problems are tuples and dicts the scan reads.
    ("certification/services/decisions.py", "decision_create"): "problems",
    ("certification/policies.py", "_unsupported_refusal"): "problems",
    # The scoring engine's issue mapped to the sheet's code (the dict in invalid_answers).
    ("evaluation/rules.py", "invalid_answers"): frozenset(
        {
            "option_not_on_sheet",
            "criterion_not_on_sheet",
            "gate_not_on_sheet",
            "sheet_incomplete",
            "option_not_for_legal_form",
            "invalid_answers",
        }
    ),
    ("rubrics/api.py", "scoring_error"): RUBRIC_ISSUES,
    ("rubrics/services/versions.py", "invalid_from"): RUBRIC_ISSUES,
}


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """The domain error classes: the base ones and every class deriving from one (by name, transitively)."""
    names = set(BASE_ERRORS)
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {getattr(b, "id", None) or getattr(b, "attr", None) for b in node.bases}
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


def _literals(node: ast.expr) -> list[str] | None:
    """The codes an expression can be when it is literal (a string, or either branch of a conditional)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _branches(node: ast.expr) -> list[str]:
    """The literal branches of a conditional whose other branch is computed."""
    if not isinstance(node, ast.IfExp):
        return []
    return [
        *(_literals(node.body) or _branches(node.body)),
        *(_literals(node.orelse) or _branches(node.orelse)),
    ]


def _is_message(node: ast.expr) -> bool:
    """`_("...")` or `_("...") % {...}`: a translated message."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "gettext", "gettext_lazy")


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def _function_of(node: ast.AST, parents: dict) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    return None


def scan() -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]]]:
    """(code → the files raising it, (file, function) → attribute or variable names used as a code)."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
    }
    errors = _error_classes(trees)
    enums = {cls.__name__: cls for cls in declared_enums()}
    codes: dict[str, set[str]] = defaultdict(set)
    dynamic: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path, tree in trees.items():
        where = str(path.relative_to(SOURCE))
        parents = _parents(tree)
        forwarded: dict[str, tuple[int, str]] = {}  # function → (position, name) of a parameter used as code
        defaulted: set[str] = set()  # such parameters that have a literal default
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) in errors
            ):
                for keyword in node.keywords:
                    if keyword.arg != "code":
                        continue
                    value = keyword.value
                    found = _literals(value)
                    if found is not None:
                        for code in found:
                            codes[code].add(where)
                    elif isinstance(value, ast.Attribute) and getattr(value.value, "id", None) in enums:
                        codes[enums[value.value.id][value.attr].value].add(where)
                    else:
                        function = _function_of(node, parents)
                        parameters = [a.arg for a in function.args.args] if function else []
                        if isinstance(value, ast.Name) and value.id in parameters:
                            forwarded[function.name] = (parameters.index(value.id), value.id)
                        else:
                            dynamic[(where, function.name if function else "")].add(ast.unparse(value))
                            for branch in _branches(value):  # `problems[0]["code"] if ... else "literal"`
                                codes[branch].add(where)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refusal":
                # A policy's refusal: `Refusal(ErrorClass, "code", message)`, raised later by the service.
                value = next((k.value for k in node.keywords if k.arg == "code"), None)
                if value is None and len(node.args) > 1:
                    value = node.args[1]
                found = _literals(value) if value is not None else None
                if found is None:
                    function = _function_of(node, parents)
                    parameters = [a.arg for a in function.args.args] if function else []
                    if function and isinstance(value, ast.Name) and value.id in parameters:
                        # a code handed in by the caller (read below), or the parameter's literal default
                        forwarded[function.name] = (parameters.index(value.id), value.id)
                        defaults = dict(zip(parameters[::-1], function.args.defaults[::-1], strict=False))
                        if value.id in defaults:
                            defaulted.add(value.id)
                            for code in _literals(defaults[value.id]) or []:
                                codes[code].add(where)
                    else:
                        dynamic[(where, function.name if function else "")].add(
                            ast.unparse(value) if value else "?"
                        )
                        for branch in _branches(value) if value is not None else []:
                            codes[branch].add(where)
                for code in found or []:
                    codes[code].add(where)
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(getattr(t, "id", None) == "default_code" for t in statement.targets)
                        and isinstance(statement.value, ast.Constant)
                    ):
                        codes[statement.value.value].add(where)
            elif isinstance(node, ast.Dict):
                keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
                if "code" in keys and "message" in keys:
                    found = _literals(node.values[keys.index("code")])
                    for code in found or []:
                        codes[code].add(where)
            elif isinstance(node, (ast.Return, ast.Assign)) and isinstance(node.value, ast.Tuple):
                named_problem = isinstance(node, ast.Return) or any(
                    getattr(t, "id", None) == "problem" for t in node.targets
                )
                elements = node.value.elts
                if named_problem and len(elements) == 2 and _is_message(elements[1]):
                    for code in _literals(elements[0]) or []:
                        if CODE.match(code):
                            codes[code].add(where)
        for node in ast.walk(tree):  # literals handed to a function that raises with them
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in forwarded:
                position, name = forwarded[node.func.id]
                argument = next((k.value for k in node.keywords if k.arg == name), None)
                if argument is None and position < len(node.args):
                    argument = node.args[position]
                if argument is None and name in defaulted:
                    continue  # the parameter's default, counted where the function is defined
                found = _literals(argument) if argument is not None else None
                if found is None:
                    dynamic[(where, node.func.id)].add(ast.unparse(argument) if argument else "?")
                for code in found or []:
                    codes[code].add(where)
    return codes, dynamic


def declared_enums() -> list[type[ErrorCode]]:
    seen: dict[type, None] = {}
    for member in declared().values():
        seen[type(member)] = None
    return list(seen)


@pytest.fixture(scope="module")
def scanned():
    return scan()


def test_the_scan_finds_the_codes_written_every_way(scanned):
    codes, _dynamic = scanned
    assert {
        "dossier_not_found",  # code="..."
        "idea_not_found",  # handed to cycle.selectors._get
        "file_refused",  # default_code
        "number_out_of_range",  # {"code", "message"} in core.numbers
        "checker_scored_product",  # a problem tuple in certification.council
        "score_not_council",  # problem = ("...", _("..."))
        "bad_page",
    } <= set(codes)
    assert len(codes) > 200


def test_every_computed_code_is_accounted_for(scanned):
    _codes, dynamic = scanned
    unknown = sorted(
        f"{path}:{function}: code={', '.join(sorted(v))}"
        for (path, function), v in dynamic.items()
        if (path, function) not in DYNAMIC
    )
    assert not unknown, (
        "A raise takes its code from a variable; write a literal or an ErrorCode member, or list the site in "
        "DYNAMIC with the codes it can carry:\n" + "\n".join(unknown)
    )


def test_every_code_raised_is_declared(scanned):
    codes, _dynamic = scanned
    known = set(declared()) | issue_codes()
    for source in DYNAMIC.values():
        if isinstance(source, frozenset):
            codes.update({code: codes.get(code, set()) | {"(computed)"} for code in source})
    undeclared = sorted(
        f"{code}  (raised in {', '.join(sorted(places))})"
        for code, places in codes.items()
        if code not in known
    )
    assert not undeclared, (
        "Error codes raised but not declared: add each to the ErrorCode enum in the errors.py of the app that "
        "owns it (the lowest app raising it), with a one-line description, then refresh docs/errors.md.\n"
        + "\n".join(undeclared)
    )


def test_no_code_is_declared_but_never_raised(scanned):
    codes, _dynamic = scanned
    computed = {code for source in DYNAMIC.values() if isinstance(source, frozenset) for code in source}
    unused = sorted(set(declared()) - set(codes) - computed)
    assert not unused, f"Declared codes nothing raises (remove them, or raise them): {unused}"


def test_each_code_is_declared_once_with_a_description():
    seen: dict[str, str] = {}
    twice, bare = [], []
    for enum in declared_enums():
        for member in enum:
            if member.value in seen and seen[member.value] != enum.__name__:
                twice.append(f"{member.value}: {seen[member.value]} and {enum.__name__}")
            seen[member.value] = enum.__name__
            if not member.description.strip() or "\n" in member.description:
                bare.append(member.value)
    assert not twice, f"Declared in two enums (keep it in the lowest app): {twice}"
    assert not bare, f"Codes without a one-line description: {bare}"


def test_the_codes_are_documented():
    committed = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert committed == markdown(), f"docs/errors.md is not the declared codes. {REFRESH}"
