"""Combine the workers' findings into the GraderResult JSON (src/languages/types.ts).

Mutant attribution per test: ``killed`` (by 'assertion' when the test's own check failed, 'crash'
when the mutated code raised something else, 'timeout' when it hung), ``survived`` (ran and still
passed), ``notReached`` (not run against it: the test did not execute the mutated line on head, or
did not pass on head, so a kill would prove nothing).
"""
import os

from .forkrun import TAMPER_PREFIX
from .static import list_test_names

# A test a stability run has no result for (its session crashed, or it was not among that run's tests).
NO_RERUN_RESULT = "no result in stability run"


def _kill_kind(run):
    if run["outcome"] == "timeout":
        return "timeout"
    if run["outcome"] in ("failed", "error"):
        return "assertion" if run.get("failureKind") == "assertion" else "crash"
    return None


def _clean(run):
    return {k: v for k, v in run.items() if k in ("outcome", "failureKind", "message", "durationMs")}


class Assembler:
    def __init__(self, inp, workspace, prep):
        self.inp = inp
        self.workspace = workspace
        self.prep = prep
        self.errors = list(prep.errors)
        # candidate file -> what its module did to the grader (set by tfactory_grader.py)
        self.tampered = {}
        self.real_to_rel = {os.path.realpath(os.path.join(workspace, f)): f for f in prep.facts}

    def changed_lines_of(self, raw_by_real):
        out = {}
        for real, raw in raw_by_real.items():
            rel = self.real_to_rel.get(os.path.realpath(real))
            if rel is None:
                continue
            executable = set(self.prep.changed_executable.get(rel, []))
            lines = [l for l in self.prep.facts[rel].map_raw_lines(raw) if l in executable]
            if lines:
                out[rel] = lines
        return out

    def collect_failures(self, worker):
        return {e["file"]: e for e in worker.get("collectErrors", []) if e.get("file") in self.inp["candidateFiles"]}

    def static_tests(self, head):
        """Candidate tests of files that could not be collected on head, listed with ``ast``."""
        collected = {t["file"] for t in head.get("tests", [])}
        failures = self.collect_failures(head)
        out = []
        for file in self.inp["candidateFiles"]:
            if file in collected or file in self.tampered:
                continue
            failure = failures.get(file)
            kind = failure["kind"] if failure else "collection"
            text = failure["text"] if failure else head.get("fatal", "no tests collected")
            if failure or head.get("fatal"):
                self.errors.append("collection of %s failed (%s): %s" % (file, kind, _last_line(text)))
            try:
                with open(os.path.join(self.workspace, file), encoding="utf-8") as fh:
                    names = list_test_names(fh.read(), file)
            except (OSError, SyntaxError, ValueError):
                names = []
            run = {"outcome": "error", "failureKind": kind, "message": _last_line(text), "durationMs": 0}
            out += [{"id": file + "::" + n, "file": file, "name": n, "run": run, "static": True} for n in names]
        return out

    def tampered_tests(self):
        """Every test of a file that rewired the grader: an error run that says so, in every run."""
        out = []
        for file, what in sorted(self.tampered.items()):
            try:
                with open(os.path.join(self.workspace, file), encoding="utf-8") as fh:
                    names = list_test_names(fh.read(), file)
            except (OSError, SyntaxError, ValueError):
                names = []
            run = {"outcome": "error", "failureKind": "error", "message": (TAMPER_PREFIX + what)[:500], "durationMs": 0}
            out += [{"id": file + "::" + n, "file": file, "name": n, "run": run, "static": True, "tampered": True} for n in names]
        return out

    def build(self, head, reruns, base, executions):
        mutants = [m for m in head.get("mutants", []) if "unpatchable" not in m]
        sites = {s["id"]: s for s in self.prep.mutants}
        tests = []
        necessary = 0
        for t in head.get("tests", []) + self.static_tests(head) + self.tampered_tests():
            runs = [_clean(t["run"])]
            decided = t.get("static") or t["run"].get("outcome") != "passed"  # not run again (tfactory_grader.py)
            for index, rerun in enumerate(reruns, start=2):
                other = rerun.get(t["id"]) if not decided else t["run"]
                runs.append(_clean(other) if other else {"outcome": "error", "failureKind": "error", "message": NO_RERUN_RESULT + " %d" % index, "durationMs": 0})
            if not t.get("static"):
                necessary += int(t["run"].get("durationMs", 0))
            killed, survived, not_reached = [], [], []
            for m in mutants:
                result = m["results"].get(t["id"])
                kind = _kill_kind(result) if result else None
                if result is None:
                    not_reached.append(m["id"])
                elif kind is None:
                    survived.append(m["id"])
                else:
                    killed.append({"mutant": m["id"], "by": kind})
            entry = {
                "id": t["id"], "file": t["file"], "name": t["name"], "runs": runs,
                "coveredChanged": self.changed_lines_of(t["run"].get("lines", {})),
                "mutants": {"killed": killed, "survived": survived, "notReached": not_reached},
            }
            if t.get("tampered") and self.inp.get("baseDir"):
                entry["onBase"] = _clean(t["run"])
            elif base is not None and not decided:
                entry["onBase"] = self.on_base(base, t)
            tests.append(entry)
        return {
            "tests": tests,
            "mutants": [
                {"id": m["id"], "file": sites[m["id"]]["file"], "line": sites[m["id"]]["line"], "operator": sites[m["id"]]["operator"],
                 "description": sites[m["id"]]["description"], "coveredBy": m["coveredBy"]}
                for m in mutants
            ],
            "suiteCoveredChanged": self.changed_lines_of(head.get("suiteLines", {})),
            "changedExecutable": {f: lines for f, lines in sorted(self.prep.changed_executable.items())},
            "executions": executions,
            "necessaryMs": necessary,
            "errors": self.errors,
        }

    def on_base(self, base, test):
        found = {t["id"]: t for t in base.get("tests", [])}.get(test["id"])
        if found:
            return _clean(found["run"])
        failure = self.collect_failures(base).get(test["file"])
        if failure:
            return {"outcome": "error", "failureKind": failure["kind"], "message": _last_line(failure["text"]), "durationMs": 0}
        if not os.path.isfile(os.path.join(self.inp["baseDir"], test["file"])):
            message = "test file not present in the base tree"
        else:
            message = base.get("fatal") and _last_line(base["fatal"]) or "test not found on base"
        return {"outcome": "error", "failureKind": "collection", "message": message, "durationMs": 0}


def _last_line(text):
    lines = [l.strip() for l in str(text).splitlines() if l.strip()]
    last = lines[-1] if lines else ""
    return (last[1:].strip() if last.startswith("E ") else last)[:500]
