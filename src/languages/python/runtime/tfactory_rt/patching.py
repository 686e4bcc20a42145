"""Find the live function a mutant belongs to and swap its ``__code__`` (in a forked child).

Swapping ``__code__`` on the function object changes every reference to it at once (``from mod
import f`` in a test module holds the same object), without re-importing anything.
"""
import gc
import importlib
import os
import sys
import types


def _real(path):
    return os.path.realpath(path)


# source file (real path) -> its module, as found once in the worker's parent: every mutant of a
# file is patched into the same module, and looking it up walks sys.modules with a realpath each.
_FOUND = {}


def find_module(path):
    """The imported module for source file ``path``; imported by its dotted name if needed."""
    real = _real(path)
    if real in _FOUND:
        return _FOUND[real]
    module = _find_module(real)
    if module is not None:
        _FOUND[real] = module
    return module


def _find_module(real):
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and _real(file) == real:
            return module
    for entry in list(sys.path):
        base = _real(entry or ".")
        if not real.startswith(base + os.sep) or not real.endswith(".py"):
            continue
        parts = real[len(base) + 1 : -3].split(os.sep)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not parts or not all(p.isidentifier() for p in parts):
            continue
        try:
            module = importlib.import_module(".".join(parts))
        except Exception:  # noqa: BLE001 - try the next sys.path entry
            continue
        if _real(getattr(module, "__file__", "") or "") == real:
            return module
    return None


def _unwrap(obj, depth=0):
    if depth > 6 or obj is None:
        return []
    found = []
    if isinstance(obj, (staticmethod, classmethod)):
        return _unwrap(obj.__func__, depth + 1)
    if isinstance(obj, property):
        return [f for part in (obj.fget, obj.fset, obj.fdel) for f in _unwrap(part, depth + 1)]
    if hasattr(obj, "__code__"):
        found.append(obj)
        for cell in getattr(obj, "__closure__", None) or ():
            try:
                found.extend(f for f in _unwrap(cell.cell_contents, depth + 1) if hasattr(f, "__code__"))
            except ValueError:  # empty cell
                pass
    wrapped = getattr(obj, "__wrapped__", None)
    if wrapped is not None:
        found.extend(_unwrap(wrapped, depth + 1))
    return found


def find_function(module, qualname, first_line, filename):
    """The function object whose code is ``qualname`` starting at ``first_line`` in ``filename``."""
    obj = module
    for part in qualname.split("."):
        namespace = getattr(obj, "__dict__", {})
        obj = namespace[part] if part in namespace else getattr(obj, part)
    real = _real(filename)
    for fn in _unwrap(obj):
        code = fn.__code__
        if code.co_qualname == qualname and code.co_firstlineno == first_line and _real(code.co_filename) == real:
            return fn
    return None


def find_code(code, qualname, first_line):
    """The nested code object ``qualname`` (at ``first_line``) inside a compiled module."""
    for const in code.co_consts:
        if hasattr(const, "co_qualname"):
            if const.co_qualname == qualname and const.co_firstlineno == first_line:
                return const
            inner = find_code(const, qualname, first_line)
            if inner is not None:
                return inner
    return None


def _nested_codes(code):
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield const
            yield from _nested_codes(const)


def _live_functions_by_code(filename, qualname, first_line):
    """Fallback: any live function object with that code (not reachable by attribute lookup)."""
    real = _real(filename)
    return [
        obj for obj in gc.get_objects()
        if isinstance(obj, types.FunctionType) and obj.__code__.co_qualname == qualname
        and obj.__code__.co_firstlineno == first_line and _real(obj.__code__.co_filename) == real
    ]


def prepare_patch(site, source):
    """[(function, mutated code)] for ``site``, or raise LookupError with the reason.

    The outermost enclosing function gets the mutated code, and so does every live closure created
    from a code object nested in it (a decorator's wrapper made at import time, say), found through
    ``gc.get_referrers`` on the original nested code object.
    """
    from .mutants import compile_mutant

    module = find_module(site["absFile"])
    fn = None
    if module is not None:
        try:
            fn = find_function(module, site["qualname"], site["firstLine"], site["absFile"])
        except (AttributeError, KeyError):
            fn = None
    if fn is None:
        found = _live_functions_by_code(site["absFile"], site["qualname"], site["firstLine"])
        fn = found[0] if found else None
    if fn is None:
        raise LookupError("%s (line %d) not found among live functions" % (site["qualname"], site["firstLine"]))
    code = find_code(compile_mutant(source, fn.__code__.co_filename, site), site["qualname"], site["firstLine"])
    if code is None:
        raise LookupError("mutated code for %s not found" % site["qualname"])
    patches = [(fn, code)]
    mutated_nested = {(c.co_qualname, c.co_firstlineno): c for c in _nested_codes(code)}
    for original in _nested_codes(fn.__code__):
        replacement = mutated_nested.get((original.co_qualname, original.co_firstlineno))
        if replacement is None or replacement == original:
            continue
        for ref in gc.get_referrers(original):
            if isinstance(ref, types.FunctionType) and ref.__code__ is original:
                patches.append((ref, replacement))
    for target, new_code in patches:
        if len(new_code.co_freevars) != len(target.__code__.co_freevars):
            raise LookupError("closure of %s changed shape" % new_code.co_qualname)
    return patches
