"""Mutant generation with ``ast`` (line numbers kept: the mutated tree is compiled directly).

A mutant is a *site*: a path from the module root to one node plus an operation. Only nodes inside
function bodies are mutated (module and class bodies run at import and cannot be swapped in a
forked child), only on changed lines. The worker rebuilds the mutated module from the same site
and swaps the ``__code__`` of the outermost enclosing function (tfactory_rt/patching.py), in a
forked child per mutant (tfactory_rt/plugin.py).
"""
import ast
import copy

_CMP = {
    "Lt": ("LtE", "boundary"), "LtE": ("Lt", "boundary"), "Gt": ("GtE", "boundary"), "GtE": ("Gt", "boundary"),
    "Eq": ("NotEq", "comparison"), "NotEq": ("Eq", "comparison"), "Is": ("IsNot", "comparison"),
    "IsNot": ("Is", "comparison"), "In": ("NotIn", "comparison"), "NotIn": ("In", "comparison"),
}
_BIN = {"Add": "Sub", "Sub": "Add", "Mult": "Div", "Div": "Mult", "FloorDiv": "Mult", "Mod": "FloorDiv"}
_BOOL = {"And": "Or", "Or": "And"}
_REMOVABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.Assert, ast.Delete, ast.Break, ast.Continue)
_SKIP_FIELDS = {"annotation", "returns", "decorator_list", "type_comment"}


def _short(text, limit=80):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unparse(node):
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - a description is best effort
        return type(node).__name__


def _ops_for(node):
    """(operation, operator name, description) for one node; operation is JSON-able."""
    out = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            name = type(op).__name__
            if name in _CMP:
                to, kind = _CMP[name]
                after = copy.deepcopy(node)
                after.ops[i] = getattr(ast, to)()
                out.append(({"kind": "cmp", "index": i, "to": to}, kind, _unparse(node) + " → " + _unparse(after)))
    elif isinstance(node, (ast.BinOp, ast.AugAssign)):
        name = type(node.op).__name__
        if name in _BIN:
            after = copy.deepcopy(node)
            after.op = getattr(ast, _BIN[name])()
            out.append(({"kind": "op", "to": _BIN[name]}, "arithmetic", _unparse(node) + " → " + _unparse(after)))
    elif isinstance(node, ast.BoolOp):
        name = type(node.op).__name__
        after = copy.deepcopy(node)
        after.op = getattr(ast, _BOOL[name])()
        out.append(({"kind": "op", "to": _BOOL[name]}, "logical", _unparse(node) + " → " + _unparse(after)))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append(({"kind": "unwrap"}, "negation", _unparse(node) + " → " + _unparse(node.operand)))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append(({"kind": "const", "value": not node.value}, "boolean", repr(node.value) + " → " + repr(not node.value)))
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        out.append(({"kind": "const", "value": node.value + 1}, "constant", repr(node.value) + " → " + repr(node.value + 1)))
    if isinstance(node, ast.Return) and node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
        out.append(({"kind": "return_none"}, "return", _unparse(node) + " → return None"))
    removable = isinstance(node, _REMOVABLE) and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    if removable and not (isinstance(node, ast.AnnAssign) and node.value is None):
        out.append(({"kind": "pass"}, "statement", _unparse(node).split("\n")[0] + " → pass"))
    if isinstance(node, ast.If) and not (isinstance(node.test, ast.Constant) and node.test.value is False):
        out.append(({"kind": "if_false"}, "branch", "if " + _unparse(node.test) + " → if False"))
    return out


def _children(node, path):
    for field, value in ast.iter_fields(node):
        if field in _SKIP_FIELDS:
            continue
        if isinstance(value, list):
            for i, child in enumerate(value):
                if isinstance(child, ast.AST):
                    yield child, path + ((field, i),)
        elif isinstance(value, ast.AST):
            yield value, path + ((field, None),)


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def enumerate_sites(tree, changed_lines, stmt_of_line):
    """All mutation sites on ``changed_lines`` inside function bodies, in source order.

    ``stmt_of_line`` maps a raw line to its executable statement line (FileFacts.line_to_stmt).
    ``qualname`` is the outermost enclosing function (``Class.method`` for methods): the unit whose
    ``__code__`` is swapped; nested functions are constants of its code object.
    """
    sites = []
    changed = set(changed_lines)

    def handle(node, path, classes, target):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # co_firstlineno of a decorated function is its first decorator's line
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            inner = target or (".".join(classes + [node.name]), first)
            for i, stmt in enumerate(node.body):
                if not (i == 0 and _is_docstring(stmt)):
                    handle(stmt, path + (("body", i),), classes, inner)
            return
        if isinstance(node, ast.ClassDef):
            for i, stmt in enumerate(node.body):
                handle(stmt, path + (("body", i),), classes + [node.name], target)
            return
        line = getattr(node, "lineno", None)
        if target is not None and line in changed and line in stmt_of_line:
            for op, operator, description in _ops_for(node):
                sites.append({
                    "path": [list(p) for p in path], "op": op, "operator": operator, "line": line,
                    "col": getattr(node, "col_offset", 0), "stmtLine": stmt_of_line[line],
                    "qualname": target[0], "firstLine": target[1], "description": _short(description),
                })
        for child, cpath in _children(node, path):
            handle(child, cpath, classes, target)

    for i, stmt in enumerate(tree.body):
        handle(stmt, (("body", i),), [], None)
    return sites


def _copy_path(tree, path):
    """A copy of ``tree`` that shares every node but those on ``path`` (and the lists holding them):
    those are copied, so the copy can be changed at the end of the path and the tree stays as it was.
    Returns (copy, parent, field, index, node), the last four in the copy."""
    root = copy.copy(tree)
    parent, field, index, node = None, None, None, root
    for field, index in path:
        value = getattr(node, field)
        if index is None:
            child = copy.copy(value)
            setattr(node, field, child)
        else:
            value = list(value)
            setattr(node, field, value)
            child = value[index] = copy.copy(value[index])
        parent, node = node, child
    return root, parent, field, index, node


def _replace(parent, field, index, new):
    if index is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[index] = new


def _located(new, like):
    """``new`` (a node made here) with ``like``'s location, and its own new children with it too."""
    return ast.fix_missing_locations(ast.copy_location(new, like))


def apply_site(tree, site):
    """The mutated module's tree for ``site`` (kind ``identity``: the control mutant, the module
    unchanged, compiled the same way). Only the nodes on the site's path are copied: the rest is
    shared with ``tree``, which is never changed (``compile`` only reads a tree)."""
    if site["op"]["kind"] == "identity":
        return tree
    mutated, parent, field, index, node = _copy_path(tree, site["path"])
    op = site["op"]
    kind = op["kind"]
    if kind == "cmp":
        node.ops = list(node.ops)
        node.ops[op["index"]] = getattr(ast, op["to"])()
    elif kind == "op":
        node.op = getattr(ast, op["to"])()
    elif kind == "unwrap":
        _replace(parent, field, index, node.operand)
    elif kind == "const":
        node.value = op["value"]
    # The removed code stays in the tree behind a constant-false guard: it never runs, but the
    # names it uses stay in the symbol table, so closures keep their shape and ``__code__`` can be
    # swapped (``return x`` → ``return None if True else x``, ``stmt`` → ``if False: stmt``).
    elif kind == "return_none":
        node.value = _located(ast.IfExp(test=ast.Constant(value=True), body=ast.Constant(value=None), orelse=node.value), node.value)
    elif kind == "pass":
        _replace(parent, field, index, _located(ast.If(test=ast.Constant(value=False), body=[node], orelse=[]), node))
    elif kind == "if_false":
        node.test = _located(ast.BoolOp(op=ast.And(), values=[ast.Constant(value=False), node.test]), node.test)
    else:
        raise ValueError("unknown mutation " + kind)
    return mutated


# (filename, source) -> its parsed tree, parsed once for all of a file's mutants (apply_site never changes it).
_TREES = {}


def compile_mutant(source, filename, site):
    """The code object of the whole mutated module (compiled from the tree: line numbers kept)."""
    key = (filename, source)
    tree = _TREES.get(key)
    if tree is None:
        tree = _TREES[key] = ast.parse(source, filename=filename)
    return compile(apply_site(tree, site), filename, "exec", dont_inherit=True)


def select_sites(sites, limit):
    """At most ``limit`` sites, round-robin over lines so every changed line gets mutants."""
    if limit <= 0:
        return []
    by_line = {}
    for site in sites:
        by_line.setdefault((site["file"], site["line"]), []).append(site)
    queues = [by_line[k] for k in sorted(by_line)]
    chosen = []
    depth = 0
    while len(chosen) < limit and any(depth < len(q) for q in queues):
        for queue in queues:
            if depth < len(queue) and len(chosen) < limit:
                chosen.append(queue[depth])
        depth += 1
    order = {id(s): i for i, s in enumerate(sites)}
    return sorted(chosen, key=lambda s: order[id(s)])
