"""TFactory's Python grader (runs inside the python runner image).

    python3 /opt/tfactory/python/tfactory_grader.py <input.json> [<result.json>] [--workspace DIR]
    python3 /opt/tfactory/python/tfactory_grader.py <input.json> <part.json> --part K/N [--workspace DIR]
    python3 /opt/tfactory/python/tfactory_grader.py <input.json> <result.json> --assemble <part.json>... [--workspace DIR]
    python3 /opt/tfactory/python/tfactory_grader.py <input.json> <result.json> --part 0/N --merge <part.json>... [--workspace DIR]

Reads a GraderInput (src/languages/types.ts) and writes a GraderResult, by default to
/scratch/result.json. The checkout is at --workspace (default /workspace, read-only). Work is done
by worker processes (tfactory_worker.py): one head session (coverage per test, the suite's
coverage, the mutation probe), one session per extra stability run (its own PYTHONHASHSEED and
shuffled order), one session on the base tree. Every test runs in a forked child with a hard
timeout. Whatever happens, a result file is written; problems go to ``errors``.

Parts (``--part K/N``, each in its own container, side by side on the machine's cores): every part
runs the head session (with the control run over every mutant's tests), then only its share of the
stability reruns (rerun k in part (k-1) mod N), part N-1 the base session, and its share of the
mutants (``_mutant_share``: dealt so that a part with more sessions runs fewer mutants). Its raw
findings go to <part.json>. ``--assemble`` merges them into the GraderResult a single run gives
(``--part 0/N --merge``: part 0 does it itself once the other parts' files appear, and writes the
GraderResult; where one appears as <part.json>.failed instead, it writes its raw findings);
a test that passed on part 0's head and not on another's keeps that other run as one more run (it
is flaky). Where the parts disagree on what only one of them measured (a file that rewired the
grader in one part and not the other, a part that crashed, whose head session failed or collected
other tests, or that ran none of its mutants), it grades everything again itself, in one run, so a
part never decides alone.
"""
import json
import os
import signal
import subprocess
import sys

sys.dont_write_bytecode = True  # the runtime folder is shipped as-is (and mounted read-only)
import tempfile
import time
import traceback

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

from tfactory_rt import fsreset  # noqa: E402
from tfactory_rt.assemble import NO_RERUN_RESULT, Assembler, _clean  # noqa: E402
from tfactory_rt.prepare import prepare  # noqa: E402

WORKER = os.path.join(_HERE, "tfactory_worker.py")


def _log(message):
    sys.stderr.write("tfactory-grader: %s\n" % message)


def _grader_tmp():
    """TFactory's own tmpfs (TFACTORY_GRADER_TMP, /run/tfactory in the sandbox): a test that fills
    /tmp cannot starve the grader's job and output files. /tmp when it is not there (local runs)."""
    path = os.environ.get("TFACTORY_GRADER_TMP")
    return path if path and os.path.isdir(path) and os.access(path, os.W_OK) else None


def _env(root, hash_seed, tmp):
    env = dict(os.environ)
    env.pop("TFACTORY_GRADER_TMP", None)  # the tests need not know where the grader writes
    paths = [root] + ([os.path.join(root, "src")] if os.path.isdir(os.path.join(root, "src")) else [])
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env.update({
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": str(hash_seed % 4294967296),
        "COVERAGE_FILE": os.path.join(tmp, ".coverage"),
        "HYPOTHESIS_STORAGE_DIRECTORY": os.path.join(tempfile.gettempdir(), "tfactory-hypothesis"),  # test data: the tests' /tmp
    })
    return env


# In the sandbox container (the grader command sets it), what the tests write is theirs alone.
_IN_CONTAINER = os.environ.get("TFACTORY_KILL_SCOPE") == "container"


def _files_before(tmp, output):
    """What the writable places of the sandbox hold before the first session (None outside it):
    everything a session's tests write there is removed before the next session (fsreset.py)."""
    if not _IN_CONTAINER:
        return None
    keep = [os.path.realpath(p) for p in (tmp, output, output + ".part") if p]
    return fsreset.take(fsreset.roots_in_container(), keep)


def run_worker(job, hash_seed, tmp, budget_s, files=None):
    """Run one worker session; returns its findings (``fatal`` set when it failed as a whole).
    ``files``: the snapshot the writable places are put back to once the session ended."""
    try:
        return _run_worker(job, hash_seed, tmp, budget_s)
    finally:
        if files is not None:
            fsreset.reset(files)


def _run_worker(job, hash_seed, tmp, budget_s):
    for attempt in (0, 1):
        name = "%s-%d" % (job["mode"], attempt)
        job = dict(job, output=os.path.join(tmp, name + ".out.json"))
        job_path = os.path.join(tmp, name + ".job.json")
        log_path = os.path.join(tmp, name + ".log")
        with open(job_path, "w", encoding="utf-8") as fh:
            json.dump(job, fh)
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([sys.executable, WORKER, job_path], cwd=job["root"], env=_env(job["root"], hash_seed, tmp),
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                proc.wait(timeout=budget_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return {"fatal": "%s session exceeded its %ds budget and was killed" % (job["mode"], budget_s), "executions": 0}
            finally:
                try:  # forked test processes left behind by a crashed worker
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        with open(log_path, "rb") as fh:
            tail = fh.read()[-3000:].decode("utf-8", "replace")
        try:
            with open(job["output"], encoding="utf-8") as fh:
                out = json.load(fh)
        except (OSError, ValueError):
            return {"fatal": "%s session crashed (exit %s): %s" % (job["mode"], proc.returncode, tail), "executions": 0}
        if out.get("loopRan"):
            return out
        usage = "unrecognized arguments" in tail or "error: " in tail
        if attempt == 0 and usage and "extraArgs" not in job:
            _log("pytest refused the project's options; retrying with addopts cleared")
            job = dict(job, extraArgs=["-o", "addopts="])
            continue
        errs = "; ".join(e.get("text", "")[-300:] for e in out.get("collectErrors", []))
        return dict(out, fatal="pytest stopped before running tests (exit %s): %s %s" % (out.get("exitCode"), errs, tail[-1500:]))
    return {"fatal": "unreachable", "executions": 0}


def _tampered_in(workers):
    """{file or None: what} over the sessions that caught a test rewiring the grader."""
    found = {}
    for worker in workers:
        for t in worker.get("tampered", []) if worker else []:
            found.setdefault(t.get("file"), t.get("what", "changed the grader"))
    return found


def _run_sessions(inp, workspace, prep, candidates, tmp, files=None, part=(0, 1)):
    """The head session, the stability reruns and the base session over ``candidates``; of a part
    (K, N): its share of the mutants and of the reruns (``_rerun_share``), the base session when K is N-1."""
    index, count = part
    root = os.path.join(workspace, inp.get("projectRoot") or ".")
    suite = [f for f in inp.get("suiteFiles", []) if f not in inp["candidateFiles"] and os.path.isfile(os.path.join(workspace, f))]
    per_test_s = max(0.1, inp["perTestTimeoutMs"] / 1000.0)
    seed = int(inp["seed"])
    n = max(1, len(candidates))
    share = _mutant_share(inp, prep.mutants, part)
    mutant_budget = len(share) * n * min(per_test_s, 30)
    common = {"root": root, "workspace": workspace, "perTestTimeoutMs": inp["perTestTimeoutMs"],
              "candidateFiles": [os.path.join(workspace, f) for f in candidates]}
    if not candidates:
        return {"tests": []}, [], None
    head = run_worker(dict(common, mode="head", seed=seed, suiteFiles=[os.path.join(workspace, f) for f in suite],
                           measureFiles=[os.path.join(workspace, f) for f in prep.facts], mutants=prep.mutants,
                           **({"mutantShare": [m["id"] for m in share]} if count > 1 else {})),
                      seed, tmp, 120 + per_test_s * 4 * (n * 20 + len(suite)) + mutant_budget, files)
    if head.get("tampered"):
        return head, [], None
    # Only tests that passed on head run again (stability, base): one that failed or timed out has
    # its verdict already, and paying its timeout again in every session is what made evaluate slow.
    passed = sorted(_passed(head))
    if not passed:
        return head, [], ({"tests": []} if inp.get("baseDir") else None)
    common = dict(common, onlyIds=passed)
    reruns = []
    for k in _rerun_share(inp, part):
        out = run_worker(dict(common, mode="rerun", seed=seed + k, orderSeed=seed + k), seed + k, tmp, 120 + per_test_s * 4 * n * 20, files)
        reruns.append(out)
        if out.get("tampered"):
            return head, reruns, None
    base = None
    if inp.get("baseDir") and index == count - 1:
        base_dir = inp["baseDir"]
        on_base = [os.path.join(base_dir, f) for f in candidates if os.path.isfile(os.path.join(base_dir, f))]
        base = {"tests": []} if not on_base else run_worker(
            dict(common, mode="base", seed=seed, workspace=base_dir, root=os.path.join(base_dir, inp.get("projectRoot") or "."), candidateFiles=on_base),
            seed, tmp, 120 + per_test_s * 4 * n * 20, files)
    return head, reruns, base


def _rerun_share(inp, part):
    """The stability reruns (1..runs-1) a part runs: rerun k in part (k-1) mod N. With two parts and
    three runs, part 0 runs rerun 1 and part 1 rerun 2 besides the base session."""
    index, count = part
    runs = max(1, int(inp.get("stabilityRuns", 1)))
    return [k for k in range(1, runs) if (k - 1) % count == index]


# What one stability rerun or the base session costs a part, in mutants' worth of runs: a session
# is mostly a pytest start, whatever the number of mutants (measured: py-shipping a session 0.5-0.7 s
# and a mutant 27-57 ms; py-pricing 0.22 s and 11-18 ms).
SESSION_IN_MUTANTS = 15


def _mutant_share(inp, mutants, part):
    """The mutants a part runs: dealt one by one to the part with the least work so far, where a
    part starts with the sessions it runs besides head (its reruns, the base session). With two
    parts, three runs and a base tree, part 0 (one rerun) gets the first SESSION_IN_MUTANTS of them
    (all of them when there are no more) and part 1 (a rerun and the base session) every other one
    after those, so that both end about together; with equal sessions the parts alternate. Every
    part and the merge compute the same shares."""
    index, count = part
    if count <= 1:
        return list(mutants)
    base = bool(inp.get("baseDir"))
    load = [SESSION_IN_MUTANTS * (len(_rerun_share(inp, (k, count))) + (1 if base and k == count - 1 else 0)) for k in range(count)]
    out = []
    for m in mutants:
        k = min(range(count), key=lambda j: (load[j], j))
        load[k] += 1
        if k == index:
            out.append(m)
    return out


def evaluate(inp, workspace, output=None, part=(0, 1)):
    """The GraderResult (``part`` (0, 1)), or a part's raw findings (see the module docstring)."""
    prep = prepare(inp, workspace)
    assembler = Assembler(inp, workspace, prep)
    candidates = [f for f in inp["candidateFiles"] if os.path.isfile(os.path.join(workspace, f))]
    for missing in sorted(set(inp["candidateFiles"]) - set(candidates)):
        assembler.errors.append("candidate file %s does not exist" % missing)
    with tempfile.TemporaryDirectory(prefix="tfactory-", dir=_grader_tmp()) as tmp:
        if os.environ.get("TFACTORY_KEEP_TMP"):
            tmp = tempfile.mkdtemp(prefix="tfactory-keep-", dir=_grader_tmp())
        files = _files_before(tmp, output)
        # A session in which a test rewired the grader is thrown away whole; the files that did it
        # are graded "tampers with the grader" and the others are graded again, without them.
        while True:
            head, reruns, base = _run_sessions(inp, workspace, prep, candidates, tmp, files, part)
            found = _tampered_in([head] + reruns + [base])
            if not found:
                break
            if None in found and "before collection" in found[None]:
                assembler.errors.append("the grader's integrity check failed before any candidate was imported, so nothing it measured can be trusted: " + found[None][:500])
                head, reruns, base = {"tests": []}, [], None
                break
            culprits = [f for f in found if f is not None and f in candidates] or list(candidates)
            for f in culprits:
                assembler.tampered[f] = found.get(f) or found.get(None)
            candidates = [f for f in candidates if f not in culprits]
    if part[1] > 1:
        return {"part": list(part), "head": head, "reruns": reruns, "base": base, "tampered": assembler.tampered, "errors": assembler.errors}
    return _result(assembler, head, reruns, base, [head] + reruns + ([base] if base is not None else []))


def _result(assembler, head, reruns, base, workers):
    for worker in workers:
        if worker.get("fatal") and worker is not head:
            assembler.errors.append(worker["fatal"][-1500:])
    if head.get("fatal") and not head.get("collectErrors"):
        assembler.errors.append(head["fatal"][-1500:])
    for m in head.get("mutants", []):
        if "unpatchable" in m:
            _log("mutant %s dropped: %s" % (m["id"], m["unpatchable"]))
    executions = sum(int(w.get("executions", 0)) for w in workers)
    rerun_maps = [{t["id"]: t["run"] for t in r.get("tests", [])} for r in reruns]
    result = assembler.build(head, rerun_maps, base, executions)
    # The mutation phase's wall time (the control run and every mutant), for the run's stats.
    if isinstance(head.get("mutationMs"), (int, float)) and head["mutationMs"] >= 0:
        result["mutationMs"] = head["mutationMs"]
    return result


def _disagreement(inp, prep, parts):
    """Why the parts cannot be merged (None when they can): the merge takes part 0's head session,
    so every part must have graded the same files, collected the same tests and run its whole share
    of the mutants. (Heads that passed different tests can be merged: see ``_unsteady``.)"""
    count = len(parts)
    # A part that crashed wrote a GraderResult of its own (``_empty``), not raw findings.
    if not all(isinstance(p, dict) and isinstance(p.get("head"), dict) and p.get("part") in ([k, count] for k in range(count)) for p in parts):
        return "a part did not write its findings (it crashed)"
    if sorted(p["part"][0] for p in parts) != list(range(count)):
        return "the parts are not 0..%d of %d" % (count - 1, count)
    parts = sorted(parts, key=lambda p: p["part"][0])
    if any(sorted(p.get("tampered") or {}) != sorted(parts[0].get("tampered") or {}) for p in parts):
        return "the parts found different files rewiring the grader"
    if any(bool(p["head"].get("fatal")) != bool(parts[0]["head"].get("fatal")) for p in parts):
        return "a part's head session failed and the other's did not"
    collected = [sorted(t["id"] for t in p["head"].get("tests", [])) for p in parts]
    if any(ids != collected[0] for ids in collected):
        return "the parts' head sessions did not collect the same tests"
    ran = [sorted(m["id"] for m in p["head"].get("mutants", [])) for p in parts]
    share = [sorted(m["id"] for m in _mutant_share(inp, prep.mutants, (k, count))) for k in range(count)]
    # A head that collected tests lists every mutant of its share (each gets an entry, run or not),
    # so a part with an empty share (fewer mutants than a session is worth) is checked as well.
    if ran != share and (any(ran) or any(p["head"].get("tests") for p in parts)):
        return "a part did not run its share of the mutants"
    return None


def assemble(inp, workspace, parts, output=None):
    """The GraderResult from the parts' raw findings, as one run gives it; graded again in one run
    when they disagree (``_disagreement``)."""
    prep = prepare(inp, workspace)
    why = _disagreement(inp, prep, parts)
    if why is not None:
        _log("grading again in one run: %s" % why)
        return evaluate(inp, workspace, output)
    parts = sorted(parts, key=lambda p: p["part"][0])
    first, last = parts[0], parts[-1]
    assembler = Assembler(inp, workspace, prep)
    assembler.errors = list(first.get("errors", []))
    assembler.tampered = dict(first.get("tampered") or {})
    passed = _passed(first["head"])
    by_id = {}
    for p in parts:
        for m in p["head"].get("mutants", []):
            # A mutant is tried only on tests that passed on head, and part 0's head is the head.
            by_id[m["id"]] = dict(m, results={t: r for t, r in m.get("results", {}).items() if t in passed})
    head = dict(first["head"], mutants=[by_id[m["id"]] for m in prep.mutants if m["id"] in by_id])
    times = [p["head"].get("mutationMs") for p in parts if isinstance(p["head"].get("mutationMs"), (int, float))]
    if times:
        head["mutationMs"] = max(times)  # side by side: the phase took as long as its slowest part
    by_k = {}
    for p in parts:
        by_k.update(zip(_rerun_share(inp, tuple(p["part"])), p.get("reruns") or []))
    reruns, base = [by_k[k] for k in sorted(by_k)], last.get("base")
    # Every session of every part counts as executed; errors are reported once, from the part that ran it.
    others = [p["head"] for p in parts[1:]]
    result = _result(assembler, head, reruns, base, [head] + reruns + ([base] if base is not None else []))
    result["executions"] += sum(int(o.get("executions", 0)) for o in others)
    extra = _unsteady(passed, others)
    on_base = _passed(last["head"])  # what the base session ran: what passed on its own part's head
    for t in result["tests"]:
        if t["id"] in extra:
            # The part that failed it on its own head ran its reruns without it: no run there, not an error.
            t["runs"] = [r for r in t["runs"] if not str(r.get("message", "")).startswith(NO_RERUN_RESULT)] + [extra[t["id"]]]
            if t["id"] not in on_base:
                t.pop("onBase", None)  # not run on base: not "failed on base"
    return result


def _passed(head):
    return {t["id"] for t in head.get("tests", []) if t.get("run", {}).get("outcome") == "passed"}


def _unsteady(passed, heads):
    """{test id: its run} for the tests that passed on part 0's head and not on another part's: that
    run is one more run of the same code, which the result keeps (a test that passed once and failed
    once is flaky, as it would be in a rerun); that part ran none of its mutants or base on it, so
    such a test has no base run when the base session was that part's. Every part collected the
    same tests (``_disagreement``), so each has a run for it."""
    extra = {}
    for head in heads:
        runs = {t["id"]: t["run"] for t in head.get("tests", [])}
        for test in sorted(passed - _passed(head)):
            extra.setdefault(test, _clean(runs[test]))
    return extra


# How often part 0 looks for the other parts' findings (seconds).
PART_POLL_S = 0.005


def _wait_for_parts(paths):
    """The other parts' findings, read from ``paths`` once each is there, or None as soon as one of
    them has ``<path>.failed`` instead (its container failed: the host reports it, nothing is
    merged and part 0's own findings are written). The host writes each file whole (a rename), and
    the grader's time limit bounds the wait."""
    found = {}
    while len(found) < len(paths):
        for path in paths:
            if path in found:
                continue
            if os.path.exists(path + ".failed"):
                return None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as fh:
                    found[path] = json.load(fh)
        if len(found) < len(paths):
            time.sleep(PART_POLL_S)
    return [found[p] for p in paths]


def _empty(errors):
    return {"tests": [], "mutants": [], "suiteCoveredChanged": {}, "changedExecutable": {}, "executions": 0, "necessaryMs": 0, "errors": errors}


def main(argv):
    args = [a for a in argv[1:]]
    workspace = os.environ.get("TFACTORY_WORKSPACE", "/workspace")
    if "--workspace" in args:
        i = args.index("--workspace")
        workspace = args[i + 1]
        del args[i : i + 2]
    part, part_files = (0, 1), None
    if "--part" in args:
        i = args.index("--part")
        try:
            k, n = (int(x) for x in args[i + 1].split("/"))
        except (IndexError, ValueError):
            k, n = -1, 0
        if not 0 <= k < n:
            sys.stderr.write("--part K/N needs 0 <= K < N\n")
            return 2
        part = (k, n)
        del args[i : i + 2]
    if "--assemble" in args:
        i = args.index("--assemble")
        part_files = args[i + 1:]
        del args[i:]
    merge_files = None
    if "--merge" in args:
        i = args.index("--merge")
        merge_files = args[i + 1:]
        del args[i:]
        if part[0] != 0 or part[1] < 2 or not merge_files or part_files is not None:
            sys.stderr.write("--merge goes with --part 0/N and names the other parts' files\n")
            return 2
    if not args or part_files == []:
        sys.stderr.write(__doc__)
        return 2
    output = args[1] if len(args) > 1 else "/scratch/result.json"
    try:
        with open(args[0], encoding="utf-8") as fh:
            inp = json.load(fh)
        if part_files is not None:
            parts = []
            for path in part_files:
                with open(path, encoding="utf-8") as fh:
                    parts.append(json.load(fh))
            result = assemble(inp, os.path.realpath(workspace), parts, output)
        else:
            result = evaluate(inp, os.path.realpath(workspace), output, part)
    except Exception:  # noqa: BLE001 - the result file is always written
        result = _empty(["grader crashed: " + traceback.format_exc(limit=12)])
    if merge_files is not None:
        # Part 0 merges, in its own process, once the other parts' findings are there (the host
        # puts each in the read-only input folder as its part ends): no third command to start. A
        # part of its own that crashed is merged as such (the merge then grades everything again).
        try:
            others = _wait_for_parts(merge_files)
            if others is not None:
                result = assemble(inp, os.path.realpath(workspace), [result] + others, output)
        except Exception:  # noqa: BLE001 - the result file is always written
            result = _empty(["grader crashed: " + traceback.format_exc(limit=12)])
    tmp_out = output + ".part"
    with open(tmp_out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=1)
    os.replace(tmp_out, output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
