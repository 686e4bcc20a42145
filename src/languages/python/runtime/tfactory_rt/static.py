"""Static facts from ``ast``: executable function-body statements and the tests a file defines.

A ``def`` or ``class`` line runs at import time and proves nothing, so only statements inside
function bodies count. Each statement has an "own span" (the lines that belong to it and not to a
nested statement); a raw line reported by the tracer maps to the statement whose span holds it,
the way coverage.py maps a multi-line statement to its first line.
"""
import ast
import os

_COMPOUND_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _own_span(stmt):
    """Lines of ``stmt`` itself: all of a simple statement, the header of a compound one."""
    end = getattr(stmt, "end_lineno", None) or stmt.lineno
    children = [c for name in _COMPOUND_BODIES for c in getattr(stmt, name, []) or []]
    child_lines = [c.lineno for c in children if hasattr(c, "lineno")]
    if child_lines:
        first_child = min(child_lines)
        end = max(stmt.lineno, first_child - 1) if first_child > stmt.lineno else stmt.lineno
    return range(stmt.lineno, end + 1)


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _body_statements(stmts, out, skip_docstring):
    for index, stmt in enumerate(stmts):
        if skip_docstring and index == 0 and _is_docstring(stmt):
            continue
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _body_statements(stmt.body, out, True)
            continue
        if isinstance(stmt, ast.ClassDef):
            continue  # a class defined inside a function: its methods are found by the module walk
        if isinstance(stmt, (ast.Global, ast.Nonlocal)):
            continue
        out.append(stmt)
        for name in ("body", "orelse", "finalbody"):
            _body_statements(getattr(stmt, name, []) or [], out, False)
        for handler in getattr(stmt, "handlers", []) or []:
            out.append(handler)
            _body_statements(handler.body, out, False)
        for case in getattr(stmt, "cases", []) or []:
            _body_statements(case.body, out, False)


def function_body_statements(tree):
    """Every statement (and except handler) inside a function or method body, at any depth."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _body_statements(node.body, out, True)
    # nested functions are reached twice (from ast.walk and from their parent): keep one of each
    seen, unique = set(), []
    for stmt in out:
        if id(stmt) not in seen:
            seen.add(id(stmt))
            unique.append(stmt)
    return unique


class FileFacts:
    """Executable body lines of one source file and the raw-line → statement-line map."""

    def __init__(self, source, filename="<source>"):
        self.tree = ast.parse(source, filename=filename)
        self.line_to_stmt = {}
        self.spans = {}
        for stmt in function_body_statements(self.tree):
            span = _own_span(stmt)
            self.spans[stmt.lineno] = list(span)
            for line in span:
                self.line_to_stmt.setdefault(line, stmt.lineno)
        self.executable = sorted(self.spans)

    def changed_statements(self, changed_lines):
        """Statement lines whose own span touches a changed line."""
        changed = set(changed_lines)
        return sorted(line for line, span in self.spans.items() if changed.intersection(span))

    def map_raw_lines(self, raw_lines):
        """Traced lines → the executable body statements they belong to (def/class lines drop out)."""
        return sorted({self.line_to_stmt[l] for l in raw_lines if l in self.line_to_stmt})


def lines_of_ranges(ranges):
    lines = set()
    for r in ranges:
        lines.update(range(int(r["start"]), int(r["end"]) + 1))
    return lines


def is_test_path(path):
    base = os.path.basename(path)
    return base == "conftest.py" or (base.startswith("test_") and base.endswith(".py")) or base.endswith("_test.py")


def list_test_names(source, filename="<test>"):
    """Test names pytest would collect with default settings (``test*`` / ``Test*``), statically."""
    tree = ast.parse(source, filename=filename)
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    names.append(node.name + "::" + item.name)
    return names
