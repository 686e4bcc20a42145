import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonRuntimeDir } from '../../src/languages/python/runtime-path.js';

/**
 * The Python grader's own defences, on the host's python3 (stdlib only: forkrun and integrity
 * import nothing else): the per-batch token on the result pipe, the shape check of results, and the
 * snapshot that notices a rewired grader function.
 */

const PYTHON = '/usr/bin/python3';

function runPython(script: string): unknown {
  const out = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: pythonRuntimeDir(), PYTHONDONTWRITEBYTECODE: '1' }, timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop() ?? 'null');
}

const FORKRUN = `
import json, os, stat
from tfactory_rt import forkrun

def forge(key, nxt):
    # a blind forger: write a "passed" result, without the token, to every pipe this process holds
    line = (json.dumps({"done": key, "result": {"outcome": "passed", "durationMs": 1}}) + "\\n").encode()
    for name in os.listdir("/proc/self/fd"):
        try:
            if stat.S_ISFIFO(os.fstat(int(name)).st_mode):
                os.write(int(name), line)
        except OSError:
            pass
    return {"outcome": "failed", "failureKind": "assertion", "message": "AssertionError", "durationMs": 1}

def malformed(key, nxt):
    return {"outcome": "passed", "durationMs": 1, "lines": {"a.py": ["everything"]}}

def honest(key, nxt):
    return {"outcome": "passed", "durationMs": 2, "lines": {"a.py": [1, 2]}}

out = {name: forkrun.run_batch([0, 1], fn, lambda k: 10.0) for name, fn in (("forge", forge), ("malformed", malformed), ("honest", honest))}
print(json.dumps(out))
`;

const INTEGRITY = `
import json
from tfactory_rt import forkrun, integrity

snap = integrity.take()
out = {"untouched": integrity.verify(snap)}
real = forkrun.run_batch
forkrun.run_batch = lambda *a, **k: {}
out["replaced"] = integrity.verify(snap)
forkrun.run_batch = real
out["restored"] = integrity.verify(snap)
code = forkrun.valid_result.__code__
forkrun.valid_result.__code__ = (lambda result: True).__code__
out["code swapped"] = integrity.verify(snap)
forkrun.valid_result.__code__ = code
import builtins
real_open = builtins.open
builtins.open = lambda *a, **k: None
out["builtins"] = integrity.verify(snap)
builtins.open = real_open
builtins._ = str  # gettext.install adds a name: allowed
out["builtin added"] = integrity.verify(snap)
print(json.dumps(out))
`;

// verify()'s fast path (the snapshot's C-level form) must never call "unchanged" what the labelled
// comparison calls changed: each tamper below is checked both ways, then undone.
const QUICK = `
import builtins, json, sys, types
from tfactory_rt import forkrun, integrity

def make_closure():
    limit = 10
    def within(x):
        return x <= limit
    return within

within = make_closure()
snap = integrity.take([("plugin", within)])
extra = [("plugin", within)]
out = {"untouched": [snap.quick.unchanged(extra), integrity.verify(snap, extra)]}

def case(name, do, undo):
    do()
    out[name] = [snap.quick.unchanged(extra), integrity.verify(snap, extra)]
    undo()
    out[name + " (undone)"] = [snap.quick.unchanged(extra), integrity.verify(snap, extra)]

real_run_batch, real_valid, real_code, real_defaults = forkrun.run_batch, forkrun.valid_result, forkrun.valid_result.__code__, forkrun.run_batch.__defaults__
real_init, real_open, real_dumps, real_module = forkrun.EndBatch.__init__, builtins.open, forkrun.json.dumps, sys.modules["tfactory_rt.forkrun"]
case("function replaced", lambda: setattr(forkrun, "run_batch", lambda *a, **k: {}), lambda: setattr(forkrun, "run_batch", real_run_batch))
case("code swapped", lambda: setattr(forkrun.valid_result, "__code__", (lambda result: True).__code__), lambda: setattr(forkrun.valid_result, "__code__", real_code))
case("defaults changed", lambda: setattr(forkrun.run_batch, "__defaults__", (print,)), lambda: setattr(forkrun.run_batch, "__defaults__", real_defaults))
case("closure cell rewritten", lambda: setattr(within.__closure__[0], "cell_contents", 10 ** 9), lambda: setattr(within.__closure__[0], "cell_contents", 10))
case("name added to a grader module", lambda: setattr(forkrun, "shadow", 1), lambda: delattr(forkrun, "shadow"))
case("name removed from a grader module", lambda: delattr(forkrun, "valid_result"), lambda: setattr(forkrun, "valid_result", real_valid))
case("grader class method replaced", lambda: setattr(forkrun.EndBatch, "__init__", lambda self, result: None), lambda: setattr(forkrun.EndBatch, "__init__", real_init))
case("builtin replaced", lambda: setattr(builtins, "open", lambda *a, **k: None), lambda: setattr(builtins, "open", real_open))
case("builtin removed", lambda: delattr(builtins, "open"), lambda: setattr(builtins, "open", real_open))
case("stdlib function the grader calls replaced", lambda: setattr(forkrun.json, "dumps", lambda *a, **k: "{}"), lambda: setattr(forkrun.json, "dumps", real_dumps))
case("trace function set", lambda: sys.settrace(lambda *a: None), lambda: sys.settrace(None))
case("grader module swapped in sys.modules", lambda: sys.modules.__setitem__("tfactory_rt.forkrun", types.ModuleType("tfactory_rt.forkrun")), lambda: sys.modules.__setitem__("tfactory_rt.forkrun", real_module))
case("grader module added to sys.modules", lambda: sys.modules.__setitem__("tfactory_rt.evil", types.ModuleType("tfactory_rt.evil")), lambda: sys.modules.pop("tfactory_rt.evil"))
case("builtin added (allowed)", lambda: setattr(builtins, "_", str), lambda: delattr(builtins, "_"))
print(json.dumps(out))
`;

describe('the Python grader against a forged result pipe (tfactory_rt/forkrun.py)', () => {
  const results = runPython(FORKRUN) as Record<string, Record<string, { outcome: string; message?: string }>>;

  it('never believes a message without the batch token, and says the test tampered', () => {
    expect(results.forge?.['0']).toMatchObject({ outcome: 'error', message: expect.stringMatching(/^tampers with the grader: .*batch token/) });
    // the tests after it get a fresh child and their own, honest result
    expect(results.forge?.['1']).toMatchObject({ outcome: 'error', message: expect.stringMatching(/^tampers with the grader: /) });
  });

  it('treats a malformed result as "no trustworthy result", never a pass', () => {
    expect(results.malformed?.['0']).toMatchObject({ outcome: 'error', message: expect.stringMatching(/^the grader got no trustworthy result: /) });
  });

  it('passes an honest result through unchanged', () => {
    expect(results.honest).toEqual({ 0: { outcome: 'passed', durationMs: 2, lines: { 'a.py': [1, 2] } }, 1: { outcome: 'passed', durationMs: 2, lines: { 'a.py': [1, 2] } } });
  });
});

describe('the Python grader snapshot (tfactory_rt/integrity.py)', () => {
  const found = runPython(INTEGRITY) as Record<string, string[]>;

  it('finds nothing when nothing changed, and nothing once a change is undone', () => {
    expect(found.untouched).toEqual([]);
    expect(found.restored).toEqual([]);
    expect(found['builtin added']).toEqual([]);
  });

  it('names a replaced grader function, a swapped __code__ and a patched builtin', () => {
    expect(found.replaced).toContain('tfactory_rt.forkrun.run_batch');
    expect(found['code swapped']).toContain('tfactory_rt.forkrun.valid_result');
    expect(found.builtins).toContain('builtins.open');
  });
});

describe('the snapshot\'s fast path (integrity._Quick) against the labelled comparison', () => {
  const found = runPython(QUICK) as Record<string, [boolean, string[]]>;
  const tampers = Object.keys(found).filter((k) => k !== 'untouched' && !k.endsWith('(undone)') && !k.endsWith('(allowed)'));

  it('calls an untouched grader unchanged, both ways', () => {
    expect(found.untouched).toEqual([true, []]);
    expect(found['builtin added (allowed)']).toEqual([true, []]);
  });

  it('never calls a tampered grader unchanged: every tamper fails the fast path and is named by the full one', () => {
    expect(tampers).toHaveLength(13);
    for (const name of tampers) {
      expect({ name, quick: found[name]?.[0] }).toEqual({ name, quick: false });
      expect({ name, named: (found[name]?.[1] ?? []).length > 0 }).toEqual({ name, named: true });
    }
    expect(found['closure cell rewritten']?.[1]).toContain('plugin');
    expect(found['defaults changed']?.[1]).toContain('tfactory_rt.forkrun.run_batch');
    expect(found['grader class method replaced']?.[1]).toContain('tfactory_rt.forkrun.EndBatch.__init__');
  });

  it('is fast again once each tamper is undone', () => {
    for (const name of tampers) {
      expect({ name, after: found[`${name} (undone)`] }).toEqual({ name, after: [true, []] });
    }
  });
});
