"""Every error the kit raises reaches the reader in their language: the message and the `fix:`
line of each `DaasError.one(...)` and `Problem(...)`, and of each helper that hands its own
arguments on to one, are catalogue strings with a Spanish and a Portuguese translation. None is
an f-string, whose text the catalogue can never match."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from daas.core.i18n import LANGUAGES, SOURCE_LANGUAGE, _package_catalogue
from daas.core.paths import package_dir

TRANSLATED = tuple(x for x in LANGUAGES if x != SOURCE_LANGUAGE)
Names = dict[str, list[ast.expr]]
Function = ast.FunctionDef | ast.AsyncFunctionDef
Roles = dict[str, tuple[int, str]]  # "message"/"fix": (position, keyword) of the argument
ERROR_ROLES: Roles = {"message": (2, "message"), "fix": (3, "fix")}  # Problem(file, field, …)


@dataclass
class Call:
    node: ast.Call
    names: Names  # what the names where it is are assigned (its function's and the module's)
    function: Function | None  # the function it is in
    top_level: bool  # that function is a module's own (not nested, not a method)


def _assignments(scope: ast.AST) -> Names:
    """Each simple name's assigned values in a function or module (not in the functions and
    classes it holds), to follow `msg = ...`."""
    found: Names = {}
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        todo += ast.iter_child_nodes(node)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.NamedExpr)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            found.setdefault(node.target.id, []).append(node.value)
    return found


def _calls(tree: ast.Module) -> Iterator[Call]:
    def visit(node: ast.AST, names: Names, function: Function | None, top: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                args = child.args
                params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
                inner = {k: v for k, v in names.items() if k not in params}  # they shadow
                inner |= _assignments(child)
                yield from visit(child, inner, child, top=isinstance(node, ast.Module))
                continue
            if isinstance(child, ast.Call):
                yield Call(child, names, function, top)
            yield from visit(child, names, function, top)

    yield from visit(tree, _assignments(tree), None, False)


def _text_parts(expr: ast.expr, names: Names, seen: frozenset[str] = frozenset()) -> list[ast.expr]:
    """The parts of a message expression that carry its words: literals and f-strings, through
    `_()`, `N_()`, `.format()`, `+`, `%`, `x or y`, `x if c else y` and the names assigned where
    it is. A name assigned nowhere there (an argument, a loop's variable) is returned as it is;
    a value computed by a call is not followed."""
    if isinstance(expr, ast.Constant | ast.JoinedStr):
        return [expr]
    if isinstance(expr, ast.Call):
        f = expr.func
        if isinstance(f, ast.Name) and f.id in {"_", "N_"} and expr.args:
            return _text_parts(expr.args[0], names, seen)
        if isinstance(f, ast.Attribute) and f.attr == "format":
            return _text_parts(f.value, names, seen)
        return []
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _text_parts(expr.left, names, seen) + _text_parts(expr.right, names, seen)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return _text_parts(expr.left, names, seen)
    if isinstance(expr, ast.BoolOp):
        return [p for v in expr.values for p in _text_parts(v, names, seen)]
    if isinstance(expr, ast.IfExp):
        return _text_parts(expr.body, names, seen) + _text_parts(expr.orelse, names, seen)
    if isinstance(expr, ast.Name):
        if expr.id not in names or expr.id in seen:
            return [expr]
        return [p for v in names[expr.id] for p in _text_parts(v, names, seen | {expr.id})]
    return []


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def _parameters(function: Function) -> list[str]:
    params = [a.arg for a in function.args.posonlyargs + function.args.args]
    return params[1:] if params[:1] in (["self"], ["cls"]) else params


class Package:
    """The package's modules, and which functions raise errors with the words they are given."""

    def __init__(self, package: Path) -> None:
        self.package = package
        self.modules: dict[str, list[Call]] = {}
        self.imported: dict[str, set[str]] = {}  # module: the names it imports
        for path in sorted(package.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            shown = f"{package.name}/{path.relative_to(package)}"
            self.modules[shown] = list(_calls(tree))
            self.imported[shown] = {
                a.asname or a.name
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for a in node.names
            }
        self.local: dict[str, dict[str, Roles]] = {m: {} for m in self.modules}  # nested helpers
        self.shared: dict[str, Roles] = {}  # a module's own functions, used by name elsewhere
        self._find_helpers()

    def roles(self, module: str, call: ast.Call) -> Roles | None:
        """Where a call's message and fix are, if it makes an error."""
        f = call.func
        if isinstance(f, ast.Attribute) and f.attr == "one":
            named = isinstance(f.value, ast.Name) and f.value.id == "DaasError"
            return ERROR_ROLES if named else None
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if name == "Problem":
            return ERROR_ROLES
        if name in self.local[module]:
            return self.local[module][name]
        if name in self.shared and (
            isinstance(f, ast.Attribute)
            or name in self.imported[module]
            or any(c.function and c.function.name == name for c in self.modules[module])
        ):
            return self.shared[name]
        return None

    def _find_helpers(self) -> None:
        changed = True
        while changed:  # a helper of a helper
            changed = False
            for module, calls in self.modules.items():
                for c in calls:
                    roles = self.roles(module, c.node)
                    if roles is None or c.function is None or c.function.name == "one":
                        continue
                    params = _parameters(c.function)
                    passed: Roles = {}
                    for role, (position, keyword) in roles.items():
                        arg = _argument(c.node, position, keyword)
                        for part in _text_parts(arg, c.names) if arg is not None else []:
                            if isinstance(part, ast.Name) and part.id in params:
                                passed[role] = (params.index(part.id), part.id)
                    helpers = self.shared if c.top_level else self.local[module]
                    if passed and helpers.get(c.function.name) != passed:
                        helpers[c.function.name] = passed
                        changed = True

    def texts(self) -> Iterator[tuple[str, str, ast.expr]]:
        """(`daas/x.py:12`, "message" or "fix", a literal or an f-string) of every error."""
        for module, calls in self.modules.items():
            for c in calls:
                for role, (position, keyword) in (self.roles(module, c.node) or {}).items():
                    arg = _argument(c.node, position, keyword)
                    for part in _text_parts(arg, c.names) if arg is not None else []:
                        if not isinstance(part, ast.Name):  # an argument: checked by its callers
                            yield f"{module}:{part.lineno}", role, part


def test_the_walk_finds_the_errors_and_their_helpers() -> None:
    package = Package(package_dir())
    found = list(package.texts())
    assert len(found) > 300, len(found)
    files = {where.rsplit(":", 1)[0] for where, _role, _part in found}
    assert {"daas/core/city.py", "daas/beacon/load.py", "daas/site/sources.py"} <= files
    assert package.shared["require_columns"]["fix"] == (3, "fix")
    assert package.local["daas/site/sources.py"]["problem"]["message"] == (1, "message")


def test_every_error_message_and_fix_is_translated() -> None:
    catalogues = {lang: _package_catalogue(lang) for lang in TRANSLATED}
    bad = []
    for where, role, part in Package(package_dir()).texts():
        if isinstance(part, ast.JoinedStr):
            bad.append(f"{where}: the {role} is an f-string: {ast.unparse(part)[:80]}")
        elif isinstance(part.value, str) and any(c.isalpha() for c in part.value):
            missing = [lang for lang, cat in catalogues.items() if part.value not in cat]
            if missing:
                bad.append(f"{where}: the {role} has no {'/'.join(missing)}: {part.value[:70]!r}")
    assert not bad, f"{len(bad)} error texts a reader cannot read in their language:\n" + "\n".join(
        bad
    )
