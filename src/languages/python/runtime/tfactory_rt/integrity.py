"""The grader's own integrity check: is the code that records results still the code we shipped?

A test module runs its top level in the worker process that later forks the test batches and
collects their results. ``take()`` (called BEFORE any test module is imported) records, for every
function and class attribute of the grader's modules (tfactory_rt.*, the worker's ``__main__``),
of the pytest/stdlib functions the parent's run loop calls, and of ``builtins``: the object's
identity and, for a function, its ``__code__``, defaults, globals and closure cells.
``verify(snapshot)`` lists what differs. A difference means a test rewired the grader: the session
is discarded and the tests of the offending module get ``tampers-with-grader`` (see plugin.py and
tfactory_grader.py). This does not stop a determined attacker inside the same process (who can
also rewrite this module); the static rule (src/languages/python/tamper.ts) is the first line.
"""
import builtins
import operator
import sys
import types

_is = operator.is_

_GRADER_PREFIXES = ("tfactory_rt", "tfactory_worker", "tfactory_grader")
# The pytest and stdlib callables the parent's run loop (forkrun, plugin, outcome) depends on.
_EXTERNAL = (
    ("os", ("fork", "pipe", "read", "write", "close", "waitpid", "kill", "_exit", "urandom", "WIFSIGNALED", "WTERMSIG", "WEXITSTATUS")),
    ("select", ("select",)),
    ("json", ("loads", "dumps", "load", "dump")),
    ("hmac", ("compare_digest",)),
    ("_pytest.runner", ("runtestprotocol", "call_and_report", "call_runtest_hook", "CallInfo")),
    ("_pytest.reports", ("TestReport",)),
    ("_pytest.outcomes", ("Failed",)),
    ("_pytest.main", ("Session",)),
    ("pytest", ("main", "hookimpl")),
)
_IGNORED_KEYS = frozenset(("__warningregistry__", "__cached__"))


def _function_state(fn):
    cells = tuple(_cell(c) for c in (fn.__closure__ or ()))
    return ("function", fn.__code__, fn.__defaults__, fn.__kwdefaults__, fn.__globals__) + cells


def _cell(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return _cell


def _state(obj):
    """What identifies ``obj`` and what can be swapped inside it without changing its identity."""
    if isinstance(obj, staticmethod) or isinstance(obj, classmethod):
        inner = obj.__func__
        return (type(obj).__name__, obj, inner) + (_function_state(inner) if isinstance(inner, types.FunctionType) else ())
    if isinstance(obj, property):
        return ("property", obj, obj.fget, obj.fset, obj.fdel)
    if isinstance(obj, types.FunctionType):
        return (obj,) + _function_state(obj)
    return (obj,)


def _record_namespace(out, label, namespace, deep_classes):
    out[label + " (names)"] = (frozenset(k for k in namespace if k not in _IGNORED_KEYS),)
    for name, value in list(namespace.items()):
        if name in _IGNORED_KEYS:
            continue
        out[label + "." + name] = _state(value)
        if deep_classes and isinstance(value, type) and value.__module__ == namespace.get("__name__"):
            _record_namespace(out, label + "." + name, dict(value.__dict__), False)


def _grader_modules():
    main = sys.modules.get("__main__")
    found = [(name, module) for name, module in list(sys.modules.items()) if module is not None and name.startswith(_GRADER_PREFIXES)]
    if main is not None and getattr(main, "__file__", "").endswith("tfactory_worker.py"):
        found.append(("__main__", main))
    return found


def take(extra=()):
    """The snapshot; ``extra`` adds (label, object) pairs such as the registered pytest plugin."""
    out = {}
    modules = _grader_modules()
    for name, module in modules:
        out["module " + name] = (module, module.__dict__)
        _record_namespace(out, name, module.__dict__, True)
    for module_name, attrs in _EXTERNAL:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        out["module " + module_name] = (module,)
        for attr in attrs:
            if hasattr(module, attr):
                out[module_name + "." + attr] = _state(getattr(module, attr))
    for name, value in vars(builtins).items():  # names added later (gettext.install's `_`) are allowed
        out["builtins." + name] = (value,)
    out["sys.modules entries of the grader"] = (frozenset(n for n, _ in modules),)
    out["sys.gettrace"] = (sys.gettrace(),)
    out["sys.getprofile"] = (sys.getprofile(),)
    for label, obj in extra:
        out[label] = _state(obj)
        if isinstance(obj, type):
            _record_namespace(out, label, dict(obj.__dict__), False)
    return out


def _same(a, b):
    """Element by element identity (``__defaults__`` tuples and strings are kept, not rebuilt)."""
    if len(a) != len(b):
        return False
    return all(map(_is, a, b)) or all(x is y or (isinstance(x, (frozenset, str)) and x == y) for x, y in zip(a, b))


def verify(snapshot, extra=()):
    """What differs from ``snapshot`` now (sorted labels); an empty list when nothing does."""
    now = take(extra)
    changed = [label for label, state in snapshot.items() if label not in now or not _same(state, now[label])]
    changed += [label for label in now if label not in snapshot and not label.startswith("builtins.")]
    return sorted(changed)


def describe(changed, limit=4):
    head = ", ".join(changed[:limit])
    return head + (" and %d more" % (len(changed) - limit) if len(changed) > limit else "")
