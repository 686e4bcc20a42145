"""Values a test module (or a conftest, a helper of the repository) computed from the code under test
while it was imported: they must be computed again under each mutant.

The session's parent imports and collects once; a mutant's child swaps the mutated function's
``__code__`` (patching.py). A value computed at import (``EXPECTED = [apply_discount(v) ...]``,
``ITEMS = [Item(1)]``, a parametrize list) holds what the head code returned, under every mutant: a
test comparing with it would "kill" every mutant that changes the value, without knowing any
expected value of its own. So, in the head session, ``Watch`` runs while pytest imports and collects
(``sys.settrace``, the same on Python 3.11 to 3.13: one dict lookup per new Python frame, no line
events, and no events for C calls or returns, which ``sys.setprofile`` would also report, at twice
the cost of collection): it notes the first
call of a function of a changed source file, and the order in which repository modules finish their
import. ``Plan`` (made after collection, in the parent) lists the repository modules that finished
after that first call (those that can hold such a value, in the order they finished), compiled once,
and what they wrote to the sandbox's writable places since. ``Plan.redo`` runs in each mutant's (and
the control's) child after the swap: those files are removed, the modules' code runs again in their
own module dicts, and the candidate test modules among them (and those whose collection ended after
that call: parameters a ``pytest_generate_tests`` made) are collected again by pytest, so their tests
(and fixtures, classes, parameters) see values computed under the mutant. When nothing ran changed
code during collection (the ordinary case), nothing is done.

Not covered: a call made at import in another thread or another process (a subprocess runs the head
code, whatever the mutant), values the changed module computes at its own import, and a file that
existed before the session and was rewritten at import (removed, not restored).
"""
import os
import sys
import types

from . import fsreset

_CO_NEWLOCALS = 0x0002
_gettrace, _settrace = sys.gettrace, sys.settrace


class Watch:
    """Started before pytest imports anything (tfactory_worker.py), stopped after collection."""

    def __init__(self, changed_files, repo_root, exclude=(), on_first_call=None):
        self.changed = frozenset(os.path.realpath(f) for f in changed_files)
        self.repo = os.path.realpath(repo_root) + os.sep
        self.exclude = tuple(os.path.realpath(p) + os.sep for p in exclude)
        self.kinds = {}  # co_filename -> 1 changed source file, 2 repository module, 0 other
        self.first_call = None  # (qualname, file) of the first changed function that ran
        self.finished = []  # real paths of repository modules, in the order their import finished
        self.finished_before_call = 0
        self.on_first_call = on_first_call
        self.active = False
        self._restore = None  # while started: (pytest's rewrite module, its _rewrite_test, our wrapper)

    def _kind(self, filename):
        real = os.path.realpath(filename) if filename and not filename.startswith("<") else ""
        if real in self.changed:
            kind = 1
        elif real.startswith(self.repo) and real.endswith(".py") and not real.startswith(self.exclude) and os.sep + "site-packages" + os.sep not in real:
            kind = 2
        else:
            kind = 0
        self.kinds[filename] = kind
        return kind

    def _trace(self, frame, event, _arg):
        """The global trace function: called once per new frame ("call"), never per line. It returns
        a local tracer only for the body of a repository module, which it hears return."""
        if event != "call":
            return None
        code = frame.f_code
        module = code.co_name == "<module>"
        if not module and self.first_call is not None:
            return None
        kind = self.kinds.get(code.co_filename)
        if kind is None:
            kind = self._kind(code.co_filename)
        if module:
            if kind == 2:
                frame.f_trace_lines = False
                return self._module_return
            return None
        # a function (not a class body, not a comprehension) of a changed file
        if kind == 1 and code.co_flags & _CO_NEWLOCALS and (code.co_name == "<lambda>" or not code.co_name.startswith("<")):
            self.first_call = (getattr(code, "co_qualname", code.co_name), code.co_filename)
            self.finished_before_call = len(self.finished)
            if self.on_first_call is not None:
                self.on_first_call()
        return None

    def _module_return(self, frame, event, _arg):
        if event == "return":
            self.finished.append(os.path.realpath(frame.f_code.co_filename))
        return self._module_return

    def start(self):
        _settrace(self._trace)
        self.active = True
        self._unwatch_rewrite()

    def stop(self):
        if self.active:
            self.active = False
            if _gettrace() == self._trace:
                _settrace(None)
        restore, self._restore = self._restore, None
        if restore is not None and getattr(restore[0], "_rewrite_test", None) is restore[2]:
            restore[0]._rewrite_test = restore[1]

    def _unwatch_rewrite(self):
        """pytest's assertion rewriting of a test module (read, parse, rewrite, compile: thousands of
        frames of pytest's own, and no code of the module) runs with the watch off: it was most of
        what the watch cost. The module's code itself, which pytest runs after, is watched."""
        try:
            from _pytest.assertion import rewrite
        except ImportError:
            return
        original = getattr(rewrite, "_rewrite_test", None)
        if not callable(original):
            return
        watch = self

        def _rewrite_test(*args, **kwargs):
            intact = watch.pause()
            try:
                return original(*args, **kwargs)
            finally:
                if intact:
                    watch.resume()

        rewrite._rewrite_test = _rewrite_test
        self._restore = (rewrite, original, _rewrite_test)

    def pause(self):
        """Switched off for the integrity check; False when a test switched it off or replaced it."""
        if not self.active:
            return True
        intact = _gettrace() == self._trace
        if intact:
            _settrace(None)
        return intact

    def resume(self):
        if self.active:
            _settrace(self._trace)


class Plan:
    """What a mutant's child does again after its swap (empty when nothing needs it)."""

    def __init__(self, watch, files_at_call, module_files, skip_files=(), collected_after=()):
        self.modules = []  # [(module, code)] in the order they finished their import
        self.paths = []  # [(path, is dir)] written to the writable places since the first call
        self.candidates = []  # real paths of candidate test modules run again (and collected again)
        self.recollect = []  # real paths of candidate test modules to collect again
        self.failed = {}  # in the child: real path -> why running it again failed
        if watch is None or watch.first_call is None:
            return
        by_file = {}
        for module in list(sys.modules.values()):
            file = getattr(module, "__file__", None)
            if file:
                by_file.setdefault(os.path.realpath(file), module)
        # the project's own test files: none of their tests runs under a mutant
        seen = {os.path.realpath(f) for f in skip_files}
        for real in watch.finished[watch.finished_before_call:]:
            module = by_file.get(real)
            if real in seen or module is None:
                continue
            seen.add(real)
            try:
                with open(real, encoding="utf-8") as fh:
                    code = compile(fh.read(), module.__file__, "exec", dont_inherit=True)
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                continue
            self.modules.append((module, code))
            if real in module_files:
                self.candidates.append(real)
        if files_at_call is not None and self.modules:
            self.paths = fsreset.changes(files_at_call)
        # a module whose collection ended after the call (parameters made by a conftest's
        # pytest_generate_tests from the changed code, say) is collected again even if it is not run again
        self.recollect = self.candidates + [f for f in dict.fromkeys(collected_after) if f in module_files and f not in self.candidates]

    def __bool__(self):
        return bool(self.modules or self.recollect)

    def spread_failures(self):
        """In the child, after ``redo``: a module that uses one that failed to run again fails too."""
        bad = [m for m, _ in self.modules if os.path.realpath(m.__file__) in self.failed]
        for module, _ in self.modules:
            real = os.path.realpath(module.__file__)
            if real in self.failed or not bad:
                continue
            for other in bad:
                if _uses(module, other):
                    self.failed[real] = self.failed[os.path.realpath(other.__file__)]
                    bad.append(module)
                    break

    def describe(self):
        return [getattr(m, "__name__", "?") for m, _ in self.modules]

    def redo(self, cov=None):
        """In the child, after the swap: what the modules wrote is removed, their code runs again.
        With ``cov`` (a coverage.Coverage of the changed files), returns {candidate module: {file:
        lines}}: the changed lines its import ran, with those of the modules it uses (``_uses``)."""
        for path, is_dir in self.paths:
            fsreset.remove(path, is_dir)
        ran, done = {}, []  # done: [(module, the lines its import ran with those of what it uses)]
        for module, code in self.modules:
            real = os.path.realpath(module.__file__)
            if cov is not None:
                cov.erase()
                cov.start()
            try:
                exec(code, module.__dict__)  # noqa: S102 - the repository's own module, again
            except BaseException as err:  # noqa: BLE001 - its tests get an error (a kill under a mutant)
                self.failed[real] = "%s: %s" % (type(err).__name__, str(err)[:300])
            finally:
                if cov is not None:
                    cov.stop()
            if cov is None:
                continue
            data = cov.get_data()
            lines = {}
            for f in data.measured_files():
                lines.setdefault(os.path.realpath(f), set()).update(data.lines(f) or ())
            for earlier, theirs in done:
                if _uses(module, earlier):
                    for f, v in theirs.items():
                        lines.setdefault(f, set()).update(v)
            done.append((module, lines))
            if real in self.candidates:
                ran[real] = {f: sorted(v) for f, v in lines.items() if v}
        return ran


def _own_values(module):
    """The values ``module`` made (not None/bools, not modules, not functions or classes of others)."""
    name = getattr(module, "__name__", None)
    out = set()
    for key, value in list(module.__dict__.items()):
        if key.startswith("__") or value is None or isinstance(value, (bool, types.ModuleType)):
            continue
        if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)) and getattr(value, "__module__", None) != name:
            continue
        out.add(id(value))
    return out


def _uses(module, earlier):
    """Whether ``module`` holds ``earlier`` (import helper) or a value it made (from helper import X)."""
    own = _own_values(earlier)
    return any(value is earlier or id(value) in own for key, value in list(module.__dict__.items()) if not key.startswith("__"))
