import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonRuntimeDir } from '../../../src/languages/python/runtime-path.js';
import { requireHostPython } from './runtime-helpers.js';

/**
 * The Python grader's defences against a test's memory between runs, on the host's python3 (stdlib,
 * and coverage for the lines a module's import ran): the reset of the writable places (tfactory_rt/fsreset.py) walked on given roots, and the
 * watch on import-time calls of changed code with the plan that runs those modules again
 * (tfactory_rt/importwatch.py). In the sandbox: test/security/python-grader-memory.test.ts.
 */

const PYTHON = '/usr/bin/python3';
const hasPython = requireHostPython();
const dirs: string[] = [];

function runPython(script: string): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'tf-pymem-'));
  dirs.push(dir);
  const out = execFileSync(PYTHON, ['-c', script, dir], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: pythonRuntimeDir(), PYTHONDONTWRITEBYTECODE: '1' }, timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop() ?? 'null') as Record<string, unknown>;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const RESET = `
import json, os, sys, time
from tfactory_rt import fsreset

top = sys.argv[1]
root, home, outside = (os.path.join(top, n) for n in ("tmp", "home", "outside"))
for d in (root, home, outside, root + "/pytest-of-runner", root + "/grader"):
    os.makedirs(d)
def write(path, text="x"):
    with open(path, "w") as fh:
        fh.write(text)
write(root + "/pytest-of-runner/keep.txt")
write(root + "/changed.txt", "head")
write(root + "/touched.txt", "same")
write(root + "/grader/log", "started")
write(outside + "/precious")
os.symlink(outside, root + "/link")
write(home + "/.profile")

snap = fsreset.take([root, home], exclude=[root + "/grader"])
time.sleep(0.02)
write(root + "/tf-memo.json", "[90.0]")                    # a memo in /tmp
write(root + "/pytest-of-runner/memo.json", "[90.0]")      # hidden in a folder that was there
write(home + "/.tf-memo.json", "[90.0]")                   # in HOME
os.makedirs(root + "/deep/a/b")
write(root + "/deep/a/b/memo")
os.makedirs(root + "/locked/in")
write(root + "/locked/in/memo")
os.chmod(root + "/locked/in", 0)
os.chmod(root + "/locked", 0)
write(root + "/changed.txt", "mutant!")                   # a file that was there, rewritten
os.utime(root + "/touched.txt", (1, 1))                   # same size, its mtime set back
write(root + "/grader/log", "started and went on")        # the grader's own: never touched
write(root + "/link/planted")                             # through a link: not under the roots
removed = fsreset.reset(snap)

def tree(d):
    return sorted(os.path.relpath(os.path.join(p, n), d) for p, ds, fs in os.walk(d) for n in ds + fs)
out = {"removed": removed, "tmp": tree(root), "home": tree(home), "outside": tree(outside),
       "log": open(root + "/grader/log").read(), "again": fsreset.reset(fsreset.take([root, home]))}

# past the cap: a folder that was not listed is judged by ctime
capped = os.path.join(top, "capped")
os.makedirs(capped + "/many")
for i in range(20):
    write(capped + "/many/f%02d" % i)
snap = fsreset.take([capped], cap=5)
time.sleep(0.06)
write(capped + "/many/memo")
out["capped removed"] = fsreset.reset(snap)
out["capped"] = tree(capped)
out["roots"] = fsreset.roots_in_container([root, os.path.join(top, "absent")])[-1:]
print(json.dumps(out))
`;

const WATCH = `
import json, os, sys
from tfactory_rt import importwatch

top = sys.argv[1]
pkg = os.path.join(top, "repo")
os.makedirs(pkg + "/tests")
files = {
    "pricing.py": "def discount(v):\\n    return v * 0.9\\n\\nRATE = [i for i in range(3)]\\n",
    "plain.py": "import pricing\\nNAME = 'plain'\\n",
    "helper.py": "import importlib\\n_f = getattr(importlib.import_module('pricing'), 'dis' + 'count')\\nEXPECTED = _f(100)\\n",
    "tests/test_a.py": "from helper import EXPECTED\\nLATER = EXPECTED * 2\\nclass TestIt:\\n    KEPT = EXPECTED\\n",
    "tests/test_b.py": "import pricing\\nOTHER = 1.5\\n",
}
for name, text in files.items():
    with open(os.path.join(pkg, name), "w") as fh:
        fh.write(text)
sys.path[:0] = [pkg, pkg + "/tests"]
out = {}

watch = importwatch.Watch([pkg + "/pricing.py"], pkg)
watch.start()
import plain  # imports pricing (module code only): no call of changed code yet
watch.stop()
out["no call"] = bool(importwatch.Plan(watch, None, ()))

watch = importwatch.Watch([pkg + "/pricing.py"], pkg)
watch.start()
import test_a
import test_b
out["intact"] = watch.pause()
watch.stop()
plan = importwatch.Plan(watch, None, [os.path.realpath(pkg + "/tests/test_a.py"), os.path.realpath(pkg + "/tests/test_b.py")])
out["first call"] = watch.first_call[0]
out["modules"] = plan.describe()
out["candidates"] = [os.path.basename(p) for p in plan.candidates]
out["head"] = [test_a.EXPECTED, test_a.LATER]

import pricing, helper
head_code = pricing.discount.__code__
pricing.discount.__code__ = (lambda v: v * 0.5).__code__  # the mutant's swap
plan.redo()
out["mutant"] = [helper.EXPECTED, test_a.EXPECTED, test_a.LATER, test_a.TestIt.KEPT]
pricing.discount.__code__ = head_code
plan.redo()
out["control"] = [helper.EXPECTED, test_a.LATER]

import coverage
cov = coverage.Coverage(data_file=None, config_file=False, include=[os.path.realpath(pkg + "/pricing.py")])
lines = plan.redo(cov)
out["lines"] = {os.path.basename(c): {os.path.basename(f): v for f, v in found.items()} for c, found in lines.items()}

from _pytest.assertion import rewrite
rewrite_before = rewrite._rewrite_test
seen = []
def fake_rewrite(*args):
    seen.append(sys.gettrace() is None)
    return None
rewrite._rewrite_test = fake_rewrite
watch = importwatch.Watch([pkg + "/pricing.py"], pkg)
watch.start()
rewrite._rewrite_test("tests/test_a.py", None)  # pytest's rewriting runs with the watch off, then it is back on
out["rewrite unwatched"] = [seen, sys.gettrace() == watch._trace]
sys.settrace(None)  # a test switching the watch off is seen
out["switched off"] = watch.pause()
watch.stop()
out["rewrite restored"] = rewrite._rewrite_test is fake_rewrite
rewrite._rewrite_test = rewrite_before
print(json.dumps(out))
`;

// As a plain user: root ignores the modes a test sets (on a developer machine the tests already run as one).
const LOCKED = `
import json, os, sys, time
from tfactory_rt import fsreset
root = os.path.join(sys.argv[1], "tmp")
os.makedirs(root + "/old")
snap = fsreset.take([root])
time.sleep(0.02)
with open(root + "/old/memo.json", "w") as fh:
    fh.write("[90.0]")
os.chmod(root + "/old", 0)                                   # hidden in a folder that was there, locked
removed = fsreset.reset(snap)
print(json.dumps({"removed": removed, "old": sorted(os.listdir(root + "/old"))}))
`;

function runPythonAsUser(script: string): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'tf-pymem-user-'));
  dirs.push(dir);
  const asUser = process.getuid?.() === 0 ? { uid: 10001, gid: 10001 } : {};
  if ('uid' in asUser) execFileSync('chown', ['-R', '10001:10001', dir]);
  const out = execFileSync(PYTHON, ['-c', script, dir], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: pythonRuntimeDir(), PYTHONDONTWRITEBYTECODE: '1' }, timeout: 60_000, ...asUser });
  return JSON.parse(out.trim().split('\n').pop() ?? 'null') as Record<string, unknown>;
}

describe('the reset of what tests write between runs (tfactory_rt/fsreset.py), on given roots', () => {
  const out = runPython(RESET);

  it('opens up a folder that was there and that a test locked, and removes the note it hid there', () => {
    expect(runPythonAsUser(LOCKED)).toEqual({ removed: 1, old: [] });
  });

  it('removes what a run created (in /tmp, in a folder that was there, in HOME) and files it rewrote', () => {
    expect(out.tmp).toEqual(['grader', 'grader/log', 'link', 'pytest-of-runner', 'pytest-of-runner/keep.txt']);
    expect(out.home).toEqual(['.profile']);
    // new: tf-memo.json, pytest-of-runner/memo.json, .tf-memo.json, deep, locked; changed: changed.txt, touched.txt
    expect(out.removed).toBe(7);
    expect(out.again).toBe(0);
  });

  it('never touches the grader\'s own files nor follows a link out of the roots', () => {
    expect(out.log).toBe('started and went on');
    expect(out.outside).toEqual(['planted', 'precious']);
  });

  it('past its cap, removes by ctime what changed under a folder it did not list, and keeps the rest', () => {
    expect(out['capped removed']).toBe(1);
    expect(out.capped).toEqual(['many', ...Array.from({ length: 20 }, (_, i) => `many/f${String(i).padStart(2, '0')}`)]);
  });

  it('lists only the roots that exist', () => {
    expect((out.roots as string[]).map((r) => r.split('/').pop())).toEqual(['tmp']);
  });
});

describe.skipIf(!hasPython)('values computed at import from the changed code (tfactory_rt/importwatch.py)', () => {
  let out: Record<string, unknown> = {};
  beforeAll(() => {
    out = runPython(WATCH);
  });

  it('plans nothing when collection only imported the changed module', () => {
    expect(out['no call']).toBe(false);
  });

  it('sees a call made through importlib/getattr and plans the modules that finished after it, in order', () => {
    expect(out.intact).toBe(true);
    expect(out['first call']).toBe('discount');
    expect(out.modules).toEqual(['helper', 'test_a', 'test_b']);
    expect(out.candidates).toEqual(['test_a.py', 'test_b.py']);
    expect(out.head).toEqual([90, 180]);
  });

  it('computes those values again under the mutant, and back under the unchanged code', () => {
    expect(out.mutant).toEqual([50, 50, 100, 50]);
    expect(out.control).toEqual([90, 180]);
  });

  it('credits a test module with the changed lines its import ran, through the helpers it uses only', () => {
    // test_a uses helper (from helper import EXPECTED), whose import ran discount(); test_b only imports pricing
    expect(out.lines).toEqual({ 'test_a.py': { 'pricing.py': [2] }, 'test_b.py': {} });
  });

  it('notices a test that switched the watch off', () => {
    expect(out['switched off']).toBe(false);
  });

  it("runs pytest's assertion rewriting (its own code, none of the module's) unwatched, and puts it back when it stops", () => {
    expect(out['rewrite unwatched']).toEqual([[true], true]);
    expect(out['rewrite restored']).toBe(true);
  });
});
