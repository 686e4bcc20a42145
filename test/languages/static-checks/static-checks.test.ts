import { describe, expect, it } from 'vitest';
import { createGuardRunner, runStaticChecks } from '../../../src/languages/static-checks.js';
import type { CandidateFile } from '../../../src/pipeline/types.js';
import type { ContainerSpec, ExecResult, ExecSpec, SandboxPort } from '../../../src/sandbox/port.js';
import type { AcceptanceCriterion } from '../../../src/criteria/types.js';

const ac = (id: string, text: string): AcceptanceCriterion => ({ id, text, syntax: 'tagged', source: { path: 'spec.md', line: 3 } });

function file(path: string, content: string, language: CandidateFile['language'] = 'python'): CandidateFile {
  return { path, content, language, framework: language === 'python' ? 'pytest' : 'vitest', origin: 'generated', acIds: ['AC#1'] };
}

const PY = [
  'import time',
  'from shop.pricing import apply_discount',
  '',
  'def test_ten_percent():',
  '    assert apply_discount(100, 10) == 90',
  '',
  'def test_sleepy():',
  '    time.sleep(1)',
  '    assert apply_discount(100, 10) == 90',
  '',
  'class TestCart:',
  '    def test_nothing_checked(self):',
  '        apply_discount(100, 10)',
  '',
  '    def test_off_criterion(self):',
  '        assert apply_discount(200, 25) == 150',
  '',
].join('\n');

describe('runStaticChecks without a sandbox', () => {
  it('reports per test function with <file>::<name> ids and decides per test and per file', async () => {
    const r = await runStaticChecks(file('tests/test_pricing.py', PY), [ac('AC#1', 'AC#1: a 10% discount'), ac('AC#9', 'other: 7 items')], { image: 'unused', workspace: '/nowhere' });
    expect(r.discovery).toBe('python-scanner');
    expect(r.guard).toBeNull();
    expect(r.tests.map((t) => [t.id, t.decision, t.findings.map((f) => `${f.rule}:${f.severity}`)])).toEqual([
      ['tests/test_pricing.py::test_ten_percent', 'keep', []],
      ['tests/test_pricing.py::test_sleepy', 'keep', ['sleep:medium']],
      ['tests/test_pricing.py::TestCart::test_nothing_checked', 'reject', ['no-assertion:high']],
      ['tests/test_pricing.py::TestCart::test_off_criterion', 'keep', ['criterion-number:medium']],
    ]);
    expect(r.decision).toBe('reject');
    expect(r.reasons).toEqual([expect.stringMatching(/^TestCart::test_nothing_checked: no-assertion: /)]);
  });

  it('checks TS files with describe > it names', async () => {
    const src = "import { applyDiscount } from '../src/pricing.js';\ndescribe('pricing', () => {\n  it('takes 10% off', () => { expect(applyDiscount(100, 10)).toBe(90); });\n  it('is stable', () => { expect(applyDiscount(1, 2)).toBe(applyDiscount(1, 2)); });\n});\n";
    const r = await runStaticChecks(file('tests/pricing.test.ts', src, 'typescript'), [ac('AC#1', 'a 10% discount')], { image: 'unused', workspace: '/nowhere' });
    expect(r.tests.map((t) => [t.id, t.decision, t.findings.map((f) => f.rule)])).toEqual([
      ['tests/pricing.test.ts::pricing > takes 10% off', 'keep', []],
      ['tests/pricing.test.ts::pricing > is stable', 'reject', ['tautology', 'criterion-number']],
    ]);
  });

  it('rejects a file without tests and a TS file with a syntax error', async () => {
    const none = await runStaticChecks(file('tests/test_x.py', 'def helper():\n    return 1\n'), [], { image: 'i', workspace: '/w' });
    expect(none.fileFindings.map((f) => f.rule)).toEqual(['no-tests']);
    expect(none.decision).toBe('reject');
    const broken = await runStaticChecks(file('a.test.ts', "it('x', () => { expect(1).toBe(1; });\n", 'typescript'), [], { image: 'i', workspace: '/w' });
    expect(broken.fileFindings[0]).toMatchObject({ rule: 'syntax-error', severity: 'high', line: 1 });
    expect(broken.decision).toBe('reject');
  });
});

/** A sandbox that answers every run with `stdout` and records what it was asked. */
function scriptedSandbox(stdout: string, exitCode = 0): SandboxPort & { calls: Array<{ container: ContainerSpec; exec: ExecSpec }> } {
  const calls: Array<{ container: ContainerSpec; exec: ExecSpec }> = [];
  const result = (): ExecResult => ({ exitCode, stdout, stderr: exitCode ? 'Traceback: boom' : '', stdoutTruncated: false, stderrTruncated: false, durationMs: 5, endReason: 'exited', files: [] });
  return {
    calls,
    ping: async () => ({ reachable: true }),
    run: async (container, exec) => {
      calls.push({ container, exec });
      return result();
    },
    openSession: async () => {
      throw new Error('not used');
    },
    prepare: async () => {
      throw new Error('not used');
    },
  };
}

describe('runStaticChecks with a sandbox (wiring)', () => {
  it('runs the python guard once with the source on stdin and the guard folder mounted read-only', async () => {
    const sandbox = scriptedSandbox(JSON.stringify({
      syntaxError: null,
      tests: [{ name: 'test_ten_percent', line: 4, endLine: 5 }],
      hallucinated: [{ name: 'shop.pricing.apply_discount', line: 2, kind: 'name', reason: 'no such name' }],
      unknown: [],
    }));
    const r = await runStaticChecks(file('tests/test_pricing.py', PY), [], { sandbox, image: 'default', images: { python: 'tfactory/runner-python:x' }, workspace: '/host/ws', projectRoot: 'svc' });
    expect(sandbox.calls).toHaveLength(1);
    const { container, exec } = sandbox.calls[0]!;
    expect(container).toMatchObject({ image: 'tfactory/runner-python:x', workspace: '/host/ws' });
    expect(container.mounts?.[0]).toMatchObject({ containerPath: '/opt/tfactory/guard/python', readOnly: true });
    expect(exec.stdin).toBe(PY);
    expect(exec.cmd.slice(0, 4)).toEqual(['python3', '/opt/tfactory/guard/python/resolve_imports.py', '--path', '/workspace/tests/test_pricing.py']);
    expect(exec.cmd).toEqual(expect.arrayContaining(['/workspace/svc', '/workspace/svc/src', '/workspace/tests']));
    expect(r.discovery).toBe('python-ast');
    expect(r.tests.map((t) => t.name)).toEqual(['test_ten_percent']);
    expect(r.fileFindings.map((f) => [f.rule, f.line])).toEqual([['hallucinated-name', 2]]);
    expect(r.decision).toBe('reject');
  });

  it('keeps going on the pure checks when the guard fails, and says so', async () => {
    const guard = createGuardRunner({ sandbox: scriptedSandbox('', 1), image: 'img', workspace: '/ws' });
    const v = await guard(file('tests/test_ok.py', 'from shop import f\ndef test_x():\n    assert f(10) == 9\n'), [ac('AC#1', '10% off')]);
    expect(v.decision).toBe('keep');
    expect(v.reasons).toEqual([expect.stringContaining('hallucination guard unavailable: guard did not finish (exited, exit 1)')]);
  });

  it('guard runner: rejects on a high finding and keeps medium findings with the test name', async () => {
    const guard = createGuardRunner({ image: 'img', workspace: '/ws' });
    const rejected = await guard(file('tests/test_x.py', 'import random\ndef test_x():\n    assert f(random.random()) == 1\n'), []);
    expect(rejected.decision).toBe('reject');
    expect(rejected.reasons).toEqual(['test_x: random-unseeded: uses random numbers without a seed (random.seed(...) or random.Random(seed))']);
    const kept = await guard(file('tests/test_y.py', 'import time\ndef test_y():\n    time.sleep(1)\n    assert f() == 1\n'), []);
    // The outcome the evaluate stage reads instead of checking again: per test its findings, line and source.
    expect(kept).toEqual({
      decision: 'keep',
      reasons: [],
      checks: {
        tests: [{ id: 'tests/test_y.py::test_y', name: 'test_y', line: 2, source: 'def test_y():\n    time.sleep(1)\n    assert f() == 1', findings: [expect.objectContaining({ rule: 'sleep', severity: 'medium', message: expect.stringMatching(/^sleeps/), line: 3 })] }],
        fileFindings: [],
      },
    });
  });
});
