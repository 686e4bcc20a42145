"""The pytest plugin a worker process runs: collect once, then drive every execution by fork.

It replaces pytest's run loop (``pytest_runtestloop``) so that, after the one collection (every
candidate and suite module imported once), each batch of tests runs in a forked child
(tfactory_rt/forkrun.py). Mutation uses FORK-PER-MUTANT: the parent keeps the pristine imported
code; each mutant's child swaps the mutated function's ``__code__`` and runs the covering tests.

Integrity (integrity.py): the worker snapshots the grader before pytest imports anything; the
snapshot is verified after each test module is imported (so a change is pinned on the module that
made it), before the run loop, and after every batch, in the parent and in the child after each
test. A change anywhere discards the session's results: ``output`` then says only which candidate
files tampered (``tampered``), and tfactory_grader.py grades the others again without them.
"""
import os
import random
import time
import traceback

import pytest

from . import forkrun, fsreset, importwatch, integrity, mutants, outcome, patching  # noqa: F401 - mutants: imported lazily by patching, snapshotted here

# Bound before any test module is imported: rebinding ``forkrun.run_batch`` does not reach the run loop.
_run_batch = forkrun.run_batch

# Hooks through which a plug-in could rewrite what a test run reports.
_REPORT_HOOKS = ("pytest_runtest_protocol", "pytest_runtest_makereport", "pytest_runtest_call", "pytest_runtest_setup",
                 "pytest_runtest_teardown", "pytest_runtest_logreport", "pytest_pyfunc_call", "pytest_runtestloop", "pytest_report_teststatus")


class Tampered(Exception):
    """The grader changed under us; ``file`` is the candidate that did it when known."""

    def __init__(self, what, file=None):
        super().__init__(what)
        self.what = what
        self.file = file


class EnginePlugin:
    def __init__(self, job, snapshot=None):
        self.job = job
        self.collect_errors = []
        self.loop_ran = False
        self.output = {}
        self.snapshot = snapshot if snapshot is not None else integrity.take()
        self.seen_changes = []
        self.tampered = []
        self.hook_owners = None
        self.candidates = {os.path.realpath(f) for f in job["candidateFiles"]}
        self.subtest_failures = []
        self.watch = None  # importwatch.Watch while the head session (with mutants) collects
        self.files_at_call = None
        self.collected_after_call = []  # real paths of the test modules whose collection ended after it
        self.plan = importwatch.Plan(None, None, ())

    # -- import-time values (importwatch.py) -------------------------------------------------------
    def watch_imports(self):
        """Before pytest imports the project's conftest.py and test modules, in a session that runs
        mutants: note whether collection runs code of the changed files, and which repository modules
        finish their import after it did."""
        if self.watch is not None or self.job.get("mode") != "head" or not self.job.get("mutants"):
            return
        changed = sorted({m["absFile"] for m in self.job["mutants"]})

        def at_first_call():
            if forkrun._IN_CONTAINER:  # what the modules imported from now on write is written again under a mutant
                self.files_at_call = fsreset.take(fsreset.roots_in_container(), forkrun.KEEP)

        self.watch = importwatch.Watch(changed, self.job["workspace"], on_first_call=at_first_call)
        self.watch.start()

    @pytest.hookimpl(tryfirst=True)
    def pytest_load_initial_conftests(self, early_config, parser, args):  # noqa: ARG002 - pytest's hook signature
        # after pytest's own start (its plugins loaded), before the first conftest.py is imported
        self.watch_imports()

    def _stop_watch(self):
        watch, self.watch = self.watch, None
        if watch is None:
            return True
        intact = watch.pause()
        watch.stop()
        self.plan = importwatch.Plan(watch, self.files_at_call, self.candidates, self.job.get("suiteFiles", ()), self.collected_after_call)
        return intact

    # -- integrity ---------------------------------------------------------------------------
    def _hookimpl_owners(self, config):
        owners = set()
        for name in _REPORT_HOOKS:
            caller = getattr(config.hook, name, None)
            for impl in caller.get_hookimpls() if caller is not None else ():
                owners.add((name, impl.plugin_name, id(impl.plugin), impl.function))
        return owners

    def check(self, config, moment, file=None):
        """Verify the snapshot; new differences are recorded against ``file`` (None: unknown)."""
        watching = self.watch is not None and self.watch.active
        intact = self.watch.pause() if watching else True
        try:
            changed = [c for c in integrity.verify(self.snapshot) if c not in self.seen_changes]
        finally:
            if watching and intact:
                self.watch.resume()
        if not intact:
            changed.append("sys.settrace (the grader's watch on import-time calls)")
            self.watch.stop()
        if self.hook_owners is not None:
            for name, plugin_name, _pid, fn in sorted(self._hookimpl_owners(config) - self.hook_owners, key=lambda o: (o[0], o[1])):
                module = getattr(fn, "__module__", "") or ""
                if module.endswith("conftest") or os.path.basename(str(plugin_name)).startswith("conftest"):
                    continue  # a conftest.py the project ships: its hooks are the project's own
                changed.append("pytest hook %s registered by %s" % (name, plugin_name))
            changed = [c for c in changed if c not in self.seen_changes]
        if changed:
            self.seen_changes.extend(changed)
            real = os.path.realpath(file) if file else None
            self.tampered.append({"file": real if real in self.candidates else None, "moment": moment,
                                  "what": "%s changed %s" % (moment, integrity.describe(changed))})

    def pytest_sessionstart(self, session):
        self.check(session.config, "before collection (the project's conftest.py or plugins)")
        self.hook_owners = self._hookimpl_owners(session.config)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector):
        yield
        path = getattr(collector, "path", None)
        if isinstance(collector, pytest.Module) and path is not None:
            self.check(collector.config, "importing it", str(path))
            if self.watch is not None and self.watch.first_call is not None:
                self.collected_after_call.append(os.path.realpath(str(path)))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        result = yield
        report = result.get_result()
        if call.excinfo is not None and not call.excinfo.errisinstance(pytest.skip.Exception):
            report.tf_exc = outcome.classify_exception(call.excinfo, item)

    def pytest_runtest_logreport(self, report):
        # a self.subTest block's own report (pytest 9, pytest-subtests): not among runtestprotocol's
        if report.failed and report.when == "call" and getattr(report, "context", None) is not None:
            self.subtest_failures.append(report)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append({"nodeid": report.nodeid, "text": str(report.longrepr)[-4000:]})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        self.loop_ran = True
        if not self._stop_watch():  # switched off by something pytest ran after the last module's check
            self.tampered.append({"file": None, "moment": "after collection", "what": "after collection changed sys.settrace (the grader's watch on import-time calls)"})
        _locate(session.items)
        self.check(session.config, "after collection")
        if self.tampered:
            self.output = self._tampered_output()
            return True
        try:
            self.output = Runner(self.job, session, self.collect_errors, self).run()
        except Tampered:
            self.output = self._tampered_output()
        except Exception:  # noqa: BLE001 - reported, never raised into pytest
            self.output = {"fatal": traceback.format_exc(limit=10)}
        if self.tampered:  # a last look: nothing measured in a tampered session is kept
            self.output = self._tampered_output()
        return True

    def _tampered_output(self):
        workspace = os.path.realpath(self.job["workspace"])
        found = [dict(t, file=os.path.relpath(t["file"], workspace).replace(os.sep, "/") if t["file"] else None) for t in self.tampered]
        return {"tampered": found, "tests": [], "executions": 0}

    def after_batch(self, config):
        self.check(config, "while its tests ran")
        if self.tampered:
            raise Tampered(self.tampered[-1]["what"])

    def checked_in_child(self, run_one):
        """``run_one`` followed, in the child, by the integrity check: a test that rewired the grader
        while it ran reports that, not what the rewired grader would say, and the child ends (the
        tests after it get a fresh one)."""
        def run(key, nxt):
            result = run_one(key, nxt)
            changed = integrity.verify(self.snapshot)
            if changed:
                raise forkrun.EndBatch({"outcome": "error", "failureKind": "error", "durationMs": result.get("durationMs", 0) if isinstance(result, dict) else 0,
                                        "message": forkrun.TAMPER_PREFIX + "while it ran, it changed " + integrity.describe(changed)})
            return result
        return run


def _locate(items):
    """Each item's ``location`` (a cached property every report reads), worked out once here, in
    the parent, before the integrity check: otherwise every forked child works it out again (paths,
    source lines) for each test it runs. Where it fails, the child meets the same failure as before."""
    for item in items:
        try:
            item.location  # noqa: B018 - computed for its cache
        except Exception:  # noqa: BLE001
            continue


def _exception_line(excinfo, style=None):  # noqa: ARG001 - pytest's repr_failure signature
    """A failed call phase's report text in a control or mutant child: the exception's own line."""
    return excinfo.exconly(tryshort=True)


# A test whose module could not be imported again in a mutant's child (importwatch.Plan.redo).
REDO_FAILED = "importing its module again under the mutant failed: "


def _item_path(item):
    return os.path.realpath(str(getattr(item, "path", None) or item.fspath))


class Runner:
    def __init__(self, job, session, collect_errors, guard):
        self.job = job
        self.session = session
        self.collect_errors = collect_errors
        self.guard = guard
        self.workspace = os.path.realpath(job["workspace"])
        self.per_test_s = job["perTestTimeoutMs"] / 1000.0
        self.executions = 0
        self.unredoable = set()  # tests whose module the control's child could not import again
        candidates = {os.path.realpath(f) for f in job["candidateFiles"]}
        self.cand = [i for i in session.items if _item_path(i) in candidates]
        self.suite = [i for i in session.items if _item_path(i) not in candidates]

    # -- ids -------------------------------------------------------------------------------
    def rel(self, path):
        return os.path.relpath(os.path.realpath(path), self.workspace).replace(os.sep, "/")

    def describe(self, item):
        name = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else item.name
        file = self.rel(_item_path(item))
        return {"id": file + "::" + name, "file": file, "name": name}

    # -- one test in a child -----------------------------------------------------------------
    def _run_item(self, items, index, next_index):
        from _pytest.runner import runtestprotocol

        random.seed(self.job["seed"])
        failed = self.guard.plan.failed.get(_item_path(items[index])) if self.guard.plan.failed else None
        if failed is not None:
            return {"outcome": "error", "failureKind": "error", "durationMs": 0, "message": REDO_FAILED + failed}
        nextitem = items[next_index] if next_index is not None else None
        started = time.perf_counter()
        self.guard.subtest_failures = []
        reports = runtestprotocol(items[index], nextitem=nextitem, log=False)
        ms = int((time.perf_counter() - started) * 1000)
        printed = outcome.captured_bytes(reports)
        if printed > outcome.OUTPUT_LIMIT_BYTES:
            return {"outcome": "error", "failureKind": "error", "durationMs": ms,
                    "message": forkrun.RESOURCE_PREFIX + "output limit: it printed %d MB (the limit is %d MB)" % (printed >> 20, outcome.OUTPUT_LIMIT_BYTES >> 20)}
        return outcome.summarize(outcome.with_subtests(reports, self.guard.subtest_failures), ms)

    def _batch(self, items, keys, timeout_s=None, on_start=None, run_one=None):
        run_one = self.guard.checked_in_child(run_one or (lambda k, n: self._run_item(items, k, n)))
        results = _run_batch(keys, run_one, timeout_s or (lambda _k: self.per_test_s), on_start)
        self.guard.after_batch(self.session.config)
        self.executions += len(results)
        return results

    def _covered_batch(self, items, keys):
        """Each test with the raw lines it executed in the measured (changed) files."""
        measured = [os.path.realpath(f) for f in self.job.get("measureFiles", [])]
        if not measured:
            return self._batch(items, keys)
        # Made here, in the parent, once: a child forked after a timeout does not import coverage again.
        import coverage

        cov = coverage.Coverage(data_file=None, config_file=False, include=measured)

        def run_one(key, nxt):
            # One measurement per child, each test in a context of its own: erasing between tests
            # would make coverage build its collector and data store again for every test.
            context = "tfactory-test-%d" % key
            cov.start()
            cov.switch_context(context)
            try:
                result = self._run_item(items, key, nxt)
            finally:
                cov.stop()
            data = cov.get_data()
            data.set_query_contexts(["^%s$" % context])
            lines = {os.path.realpath(f): sorted(data.lines(f) or []) for f in data.measured_files()}
            result["lines"] = {f: v for f, v in lines.items() if v}
            return result

        return self._batch(items, keys, run_one=run_one)

    # -- modes -------------------------------------------------------------------------------
    def run(self):
        mode = self.job["mode"]
        keys = list(range(len(self.cand)))
        only = self.job.get("onlyIds")
        if only is not None and mode != "head":
            wanted = set(only)
            keys = [k for k in keys if self.describe(self.cand[k])["id"] in wanted]
        out = {"collectErrors": self._collect_errors(), "tests": []}
        if mode == "head":
            results = self._covered_batch(self.cand, keys)
            self._add_import_lines(results)
        else:
            if self.job.get("orderSeed") is not None:
                random.Random(self.job["orderSeed"]).shuffle(keys)
            # on base most candidates fail (they test the change): their tracebacks are never read
            results = self._batch(self.cand, keys, on_start=self._short_tracebacks)
        for k in sorted(results):
            out["tests"].append(dict(self.describe(self.cand[k]), run=results[k], order=keys.index(k)))
        if mode == "head":
            out["suiteLines"] = self._suite_lines()
            started = time.monotonic()
            out["mutants"] = self._mutants(results) if self.job.get("mutants") else []
            out["mutationMs"] = round((time.monotonic() - started) * 1000)
        out["executions"] = self.executions
        return out

    def _collect_errors(self):
        rootdir = str(self.session.config.rootpath)
        errors = []
        for err in self.collect_errors:
            path = os.path.join(rootdir, err["nodeid"].split("::", 1)[0])
            errors.append({"file": self.rel(path), "kind": outcome.collection_kind(err["nodeid"]), "text": err["text"]})
        return errors

    def _suite_lines(self):
        if not self.suite or not self.job.get("measureFiles"):
            return {}
        union = {}
        for result in self._covered_batch(self.suite, list(range(len(self.suite)))).values():
            for file, lines in result.get("lines", {}).items():
                union.setdefault(file, set()).update(lines)
        return {f: sorted(v) for f, v in union.items()}

    def _control(self, head, sources):
        """The control run: every test about to face a mutant, with each function that has mutants
        swapped for an unchanged copy compiled the way mutants are. A test that passed on head and
        fails now watches the grader's swap, not the code's behaviour: its head result becomes a
        tamper error (so it faces no real mutant)."""
        facing, seen, patches = set(), set(), []
        for site in self.job["mutants"]:
            span = set(site["spanLines"])
            real = os.path.realpath(site["absFile"])
            facing.update(k for k, r in head.items() if r["outcome"] == "passed" and span.intersection(r.get("lines", {}).get(real, [])))
            fn_key = (real, site["qualname"], site["firstLine"])
            if fn_key in seen:
                continue
            seen.add(fn_key)
            try:
                if real not in sources:
                    with open(real, encoding="utf-8") as fh:
                        sources[real] = fh.read()
                patches += patching.prepare_patch(dict(site, op={"kind": "identity"}), sources[real])
            except Exception:  # noqa: BLE001 - that function's mutants are dropped below anyway
                continue
        if not facing or not patches:
            return

        def swap(patches=patches):
            self._short_tracebacks()
            for fn, code in patches:
                fn.__code__ = code
            self._redo_imports()

        try:
            results = self._batch(self.cand, sorted(facing), timeout_s=lambda k: self.per_test_s, on_start=swap)
        except RuntimeError:
            return
        for k, r in results.items():
            if r.get("outcome") in ("passed", "skipped", "timeout"):
                continue
            message = r.get("message") or r.get("outcome", "")
            if message.startswith(REDO_FAILED):  # its import-time values cannot be computed again: no mutant is tried on it
                self.unredoable.add(k)
                continue
            if not (message.startswith(forkrun.TAMPER_PREFIX) or message.startswith(forkrun.RESOURCE_PREFIX)):
                message = (forkrun.TAMPER_PREFIX + "it fails when the grader switches on a mutant that changes nothing (%s): it watches the grader, not the code"
                           % message.splitlines()[0][:200] if message else forkrun.TAMPER_PREFIX + "it fails when the grader switches on a mutant that changes nothing")
            lines = head[k].get("lines")
            head[k].clear()
            head[k].update({"outcome": "error", "failureKind": "error", "message": message[:1000], "durationMs": r.get("durationMs", 0)})
            if lines is not None:
                head[k]["lines"] = lines

    def _redo_imports(self):
        """In a control or mutant child, after the swap: the modules that may hold values computed at
        import from the changed code run again (importwatch.py) and the candidate test modules among
        them are collected again, their items taking the place of the parent's in ``self.cand``."""
        plan = self.guard.plan
        if not plan:
            return
        plan.redo()
        plan.spread_failures()
        for path in plan.recollect:
            old = [k for k, item in enumerate(self.cand) if _item_path(item) == path]
            if not old or path in plan.failed:
                continue
            try:
                fresh = self._collect_again(self.cand[old[0]])
            except Exception as err:  # noqa: BLE001 - its tests get an error (a kill under a mutant)
                plan.failed[path] = "collecting it again raised %s: %s" % (type(err).__name__, str(err)[:300])
                continue
            by_id = {item.nodeid: item for item in fresh}
            if all(self.cand[k].nodeid in by_id for k in old):
                for k in old:
                    self.cand[k] = by_id[self.cand[k].nodeid]
            elif len(fresh) == len(old):  # parameter ids made from values that changed
                for k, item in zip(old, fresh):
                    self.cand[k] = item
            else:
                plan.failed[path] = "it collects %d tests instead of %d" % (len(fresh), len(old))

    def _add_import_lines(self, results):
        """A test whose module computed values from the changed code at import covers the lines that
        ran then (its mutants are tried on it). Measured in a child of its own that runs those modules
        again (importwatch.Plan.redo) and is thrown away: the head results above stay as they are."""
        plan = self.guard.plan
        measured = [os.path.realpath(f) for f in self.job.get("measureFiles", [])]
        if not plan or not plan.candidates or not measured:
            return
        import coverage

        cov = coverage.Coverage(data_file=None, config_file=False, include=measured)
        found = {}

        def on_start():
            found.update(plan.redo(cov))

        def run_one(k, _nxt):
            return {"outcome": "passed", "durationMs": 0, "lines": found.get(plan.candidates[k], {})}

        try:
            probe = _run_batch(list(range(len(plan.candidates))), run_one, lambda _k: self.per_test_s, on_start)
        except RuntimeError:
            return
        self.guard.after_batch(self.session.config)
        by_path = {plan.candidates[k]: r.get("lines", {}) for k, r in probe.items()}
        for k, result in results.items():
            extra = by_path.get(_item_path(self.cand[k]))
            if not extra or not isinstance(result, dict):
                continue
            lines = result.setdefault("lines", {})
            for file, numbers in extra.items():
                lines[file] = sorted(set(lines.get(file, [])) | set(numbers))

    def _collect_again(self, item):
        """The items of ``item``'s module collected again from its (already re-run) module object."""
        old = item.getparent(pytest.Module)
        fresh = type(old).from_parent(old.parent, path=old.path)
        fresh._obj = old.obj
        return [i for i in self.session.genitems(fresh)]

    def _short_tracebacks(self):
        """In a child of a rerun, the base session, the control or a mutant: pytest formats a
        failure's traceback in one line instead of with source context (half the cost of a failing
        test), and a test function's failed call phase is reported as its exception's one line,
        without walking the traceback (half of what is left). Only the outcome and the exception's
        own text (outcome.classify_exception, on the report as ``tf_exc``) are read from these runs,
        neither depends on it (a missing fixture's report does not depend on the style either). Set
        on the items of this child only: the parent and the head session keep pytest's own report."""
        self.session.config.option.tbstyle = "line"
        for item in self.cand:
            if isinstance(item, pytest.Function) and "repr_failure" not in vars(item):
                item.repr_failure = _exception_line

    def _mutants(self, head):
        sources = {}
        out = []
        self._control(head, sources)
        # A part of a grading split across containers (tfactory_grader.py --part) runs its share only;
        # the control run above covers every mutant's tests, as a whole grading does.
        share = self.job.get("mutantShare")
        wanted = set(share) if isinstance(share, list) else None
        for site in self.job["mutants"]:
            if wanted is not None and site["id"] not in wanted:
                continue
            span = set(site["spanLines"])
            real = os.path.realpath(site["absFile"])
            covering = [k for k, r in head.items() if span.intersection(r.get("lines", {}).get(real, []))]
            runnable = [k for k in covering if head[k]["outcome"] == "passed" and k not in self.unredoable]
            entry = {"id": site["id"], "coveredBy": [self.describe(self.cand[k])["id"] for k in covering], "results": {}}
            out.append(entry)
            if not runnable:
                continue
            if real not in sources:
                with open(real, encoding="utf-8") as fh:
                    sources[real] = fh.read()
            try:
                patches = patching.prepare_patch(site, sources[real])
            except Exception as err:  # noqa: BLE001 - the mutant is dropped, with the reason
                entry["unpatchable"] = "%s: %s" % (type(err).__name__, err)
                continue

            def patch(patches=patches):
                self._short_tracebacks()
                for fn, code in patches:
                    fn.__code__ = code
                self._redo_imports()

            def limit(k):
                return min(self.per_test_s, max(2.0, 5 * head[k]["durationMs"] / 1000.0 + 1.0))

            try:
                results = self._batch(self.cand, runnable, timeout_s=limit, on_start=patch)
            except RuntimeError as err:
                entry["unpatchable"] = str(err)[-500:]
                continue
            for k, r in results.items():
                entry["results"][self.describe(self.cand[k])["id"]] = r
        return out
