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
import itertools
import operator
import sys
import types
from operator import attrgetter, itemgetter

_is = operator.is_
_chain = itertools.chain.from_iterable

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


def _main_is_grader(main):
    return main is not None and getattr(main, "__file__", "").endswith("tfactory_worker.py")


def _grader_modules():
    main = sys.modules.get("__main__")
    found = [(name, module) for name, module in list(sys.modules.items()) if module is not None and name.startswith(_GRADER_PREFIXES)]
    if _main_is_grader(main):
        found.append(("__main__", main))
    return found


class Snapshot(dict):
    """take()'s labels and states, plus ``quick``: the same facts as flat tuples, for verify's fast path."""
    __slots__ = ("quick",)


def take(extra=(), quick=True):
    """The snapshot; ``extra`` adds (label, object) pairs such as the registered pytest plugin."""
    out = Snapshot()
    out.quick = _Quick(extra) if quick else None
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
    """What differs from ``snapshot`` now (sorted labels); an empty list when nothing does.

    The grader runs this after every test. It first asks the snapshot's ``quick`` form, which checks
    the same objects with C-level getters (a fraction of the cost); only when that finds a
    difference, or cannot tell, is the labelled comparison below made, to name what changed."""
    quick = getattr(snapshot, "quick", None)
    if quick is not None and quick.unchanged(extra):
        return []
    now = take(extra, quick=False)
    changed = [label for label, state in snapshot.items() if label not in now or not _same(state, now[label])]
    changed += [label for label in now if label not in snapshot and not label.startswith("builtins.")]
    return sorted(changed)


def describe(changed, limit=4):
    head = ", ".join(changed[:limit])
    return head + (" and %d more" % (len(changed) - limit) if len(changed) > limit else "")


# -- the fast path ----------------------------------------------------------------------------
# What can be swapped in a function (its __globals__ and __closure__ cannot be reassigned: the
# namespaces and the cells' contents are checked on their own).
_FN_PARTS = attrgetter("__code__", "__defaults__", "__kwdefaults__")
_CONTENTS = attrgetter("cell_contents")


def _getter(names):
    """A C-level getter of ``names`` from a mapping that always returns a tuple."""
    if not names:
        return lambda _ns: ()
    if len(names) == 1:
        one = itemgetter(names[0])
        return lambda ns: (one(ns),)
    return itemgetter(*names)


class _Quick:
    """What take() records, as (getter, source, expected) checks compared by identity. ``unchanged``
    is True only when every one of take()'s facts still holds; False whenever one may not (the
    caller then makes the full, labelled comparison). Built in the same take() as the labels."""

    def __init__(self, extra):
        self.extra_labels = tuple(label for label, _obj in extra)
        self.extra = tuple(obj for _label, obj in extra)
        self.spaces = []  # (mapping, key set, getter, values): a namespace's names and their objects
        self.functions = []  # each function whose code, defaults, globals or closure take() records
        self.wrappers = []  # staticmethod / classmethod (their __func__) and property (fget, fset, fdel)
        modules = _grader_modules()
        self.module_names = frozenset(n for n, _ in modules)
        # sys.modules names already seen that are not the grader's (a name never becomes one): only
        # names new since the last check are looked at, not all of sys.modules after every test
        self.other_names = set(sys.modules) - self.module_names
        self.modules = tuple((name, module, module.__dict__) for name, module in modules)
        for _name, _module, namespace in self.modules:
            self._space(namespace, True)
        self.external = []
        for module_name, attrs in _EXTERNAL:
            module = sys.modules.get(module_name)
            if module is None:
                self.external.append((module_name, None, (), None, (), ()))
                continue
            present = tuple(a for a in attrs if hasattr(module, a))
            values = tuple(getattr(module, a) for a in present)
            for value in values:
                self._object(value)
            absent = tuple(a for a in attrs if a not in present)
            self.external.append((module_name, module, present, attrgetter(*present) if present else None, values, absent))
        self.builtin_names = tuple(vars(builtins))
        self.builtin_get = _getter(self.builtin_names)
        self.builtin_values = self.builtin_get(vars(builtins))
        self.trace = sys.gettrace()
        self.profile = sys.getprofile()
        for obj in self.extra:
            self._object(obj)
            if isinstance(obj, type):
                self._space(obj.__dict__, False)
        self.fn_flat = tuple(_chain(map(_FN_PARTS, self.functions)))
        self.cells = tuple(c for f in self.functions for c in (f.__closure__ or ()))
        try:
            self.contents = tuple(map(_CONTENTS, self.cells))
        except ValueError:  # an empty cell: the fast path cannot read it, the full one always runs
            self.contents = None
        self.wrapped = tuple(_wrapped(w) for w in self.wrappers)

    def _space(self, namespace, deep_classes):
        names = tuple(k for k in namespace if k not in _IGNORED_KEYS)
        get = _getter(names)
        values = get(namespace)
        self.spaces.append((namespace, frozenset(names), get, values))
        owner = namespace.get("__name__")
        for value in values:
            self._object(value)
            if deep_classes and isinstance(value, type) and value.__module__ == owner:
                self._space(value.__dict__, False)

    def _object(self, value):
        if isinstance(value, (staticmethod, classmethod, property)):
            self.wrappers.append(value)
            inner = value.__func__ if not isinstance(value, property) else None
            if isinstance(inner, types.FunctionType):
                self.functions.append(inner)
        elif isinstance(value, types.FunctionType):
            self.functions.append(value)

    def _same_grader_modules(self):
        """Whether the grader's entries of sys.modules are the snapshot's names (the loop in
        ``unchanged`` checks each is the same module)."""
        names = set(sys.modules)
        new = names - self.other_names
        if any(n.startswith(_GRADER_PREFIXES) and n not in self.module_names and sys.modules.get(n) is not None for n in new):
            return False
        if not self.module_names <= names:
            return False
        if "__main__" not in self.module_names and _main_is_grader(sys.modules.get("__main__")):
            return False
        self.other_names |= {n for n in new if not n.startswith(_GRADER_PREFIXES)}
        return True

    def unchanged(self, extra=()):
        try:
            extra = tuple(extra)
            if len(extra) != len(self.extra) or tuple(label for label, _obj in extra) != self.extra_labels \
                    or not all(map(_is, (obj for _label, obj in extra), self.extra)):
                return False
            if sys.gettrace() is not self.trace or sys.getprofile() is not self.profile:
                return False
            for name, module, namespace in self.modules:
                if sys.modules.get(name) is not module or module.__dict__ is not namespace:
                    return False
            if not self._same_grader_modules():
                return False
            for namespace, names, get, values in self.spaces:
                if namespace.keys() - _IGNORED_KEYS != names or not all(map(_is, get(namespace), values)):
                    return False
            for module_name, module, present, get, values, absent in self.external:
                if sys.modules.get(module_name) is not module or any(hasattr(module, a) for a in absent):
                    return False
                if get is not None and not all(map(_is, (get(module),) if len(present) == 1 else get(module), values)):
                    return False
            if not all(map(_is, self.builtin_get(vars(builtins)), self.builtin_values)):
                return False
            # each function's code, defaults and keyword defaults, by identity in one C-level pass
            # (the labelled comparison then tells an equal rebuilt tuple or string from a real change)
            if not all(map(_is, _chain(map(_FN_PARTS, self.functions)), self.fn_flat)):
                return False
            if self.contents is None or not all(map(_is, map(_CONTENTS, self.cells), self.contents)):
                return False
            return all(map(_same, map(_wrapped, self.wrappers), self.wrapped))
        except Exception:  # noqa: BLE001 - a name gone, an empty cell, anything odd: the full comparison says what
            return False


def _wrapped(obj):
    if isinstance(obj, property):
        return (obj.fget, obj.fset, obj.fdel)
    return (obj.__func__,)
