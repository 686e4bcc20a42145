"""The pytest plugin a worker process runs: collect once, then drive every execution by fork.

It replaces pytest's run loop (``pytest_runtestloop``) so that, after the one collection (every
candidate and suite module imported once), each batch of tests runs in a forked child
(tfactory_rt/forkrun.py). Mutation uses FORK-PER-MUTANT: the parent keeps the pristine imported
code; each mutant's child swaps the mutated function's ``__code__`` and runs the covering tests.
"""
import os
import random
import time
import traceback

import pytest

from . import forkrun, outcome, patching


class EnginePlugin:
    def __init__(self, job):
        self.job = job
        self.collect_errors = []
        self.loop_ran = False
        self.output = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        result = yield
        report = result.get_result()
        if call.excinfo is not None and not call.excinfo.errisinstance(pytest.skip.Exception):
            report.tf_exc = outcome.classify_exception(call.excinfo)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append({"nodeid": report.nodeid, "text": str(report.longrepr)[-4000:]})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        self.loop_ran = True
        try:
            self.output = Runner(self.job, session, self.collect_errors).run()
        except Exception:  # noqa: BLE001 - reported, never raised into pytest
            self.output = {"fatal": traceback.format_exc(limit=10)}
        return True


def _item_path(item):
    return os.path.realpath(str(getattr(item, "path", None) or item.fspath))


class Runner:
    def __init__(self, job, session, collect_errors):
        self.job = job
        self.session = session
        self.collect_errors = collect_errors
        self.workspace = os.path.realpath(job["workspace"])
        self.per_test_s = job["perTestTimeoutMs"] / 1000.0
        self.executions = 0
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
        nextitem = items[next_index] if next_index is not None else None
        started = time.perf_counter()
        reports = runtestprotocol(items[index], nextitem=nextitem, log=False)
        return outcome.summarize(reports, int((time.perf_counter() - started) * 1000))

    def _batch(self, items, keys, timeout_s=None, on_start=None, run_one=None):
        run_one = run_one or (lambda k, n: self._run_item(items, k, n))
        results = forkrun.run_batch(keys, run_one, timeout_s or (lambda _k: self.per_test_s), on_start)
        self.executions += len(results)
        return results

    def _covered_batch(self, items, keys):
        """Each test with the raw lines it executed in the measured (changed) files."""
        measured = [os.path.realpath(f) for f in self.job.get("measureFiles", [])]
        if not measured:
            return self._batch(items, keys)
        state = {}

        def start():
            import coverage

            state["cov"] = coverage.Coverage(data_file=None, config_file=False, include=measured)

        def run_one(key, nxt):
            cov = state["cov"]
            cov.erase()
            cov.start()
            try:
                result = self._run_item(items, key, nxt)
            finally:
                cov.stop()
            data = cov.get_data()
            result["lines"] = {os.path.realpath(f): sorted(data.lines(f) or []) for f in data.measured_files()}
            return result

        return self._batch(items, keys, on_start=start, run_one=run_one)

    # -- modes -------------------------------------------------------------------------------
    def run(self):
        mode = self.job["mode"]
        keys = list(range(len(self.cand)))
        out = {"collectErrors": self._collect_errors(), "tests": []}
        if mode == "head":
            results = self._covered_batch(self.cand, keys)
        else:
            if self.job.get("orderSeed") is not None:
                random.Random(self.job["orderSeed"]).shuffle(keys)
            results = self._batch(self.cand, keys)
        for k in sorted(results):
            out["tests"].append(dict(self.describe(self.cand[k]), run=results[k], order=keys.index(k)))
        if mode == "head":
            out["suiteLines"] = self._suite_lines()
            out["mutants"] = self._mutants(results) if self.job.get("mutants") else []
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

    def _mutants(self, head):
        sources = {}
        out = []
        for site in self.job["mutants"]:
            span = set(site["spanLines"])
            real = os.path.realpath(site["absFile"])
            covering = [k for k, r in head.items() if span.intersection(r.get("lines", {}).get(real, []))]
            runnable = [k for k in covering if head[k]["outcome"] == "passed"]
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
                for fn, code in patches:
                    fn.__code__ = code

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
