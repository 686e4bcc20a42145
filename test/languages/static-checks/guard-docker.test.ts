import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPythonGuard } from '../../../src/languages/python/guard.js';
import { runStaticChecks, runStaticChecksMany } from '../../../src/languages/static-checks.js';
import { runTsGuard } from '../../../src/languages/typescript/guard.js';
import type { CandidateFile } from '../../../src/pipeline/types.js';
import { createDockerSandbox, type DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import { requireDocker } from '../../helpers/docker.js';
import { ensureRunnerImage } from './runner-images.js';

const hasDocker = requireDocker();
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'guards');

async function candidate(app: string, path: string, language: CandidateFile['language'], framework: CandidateFile['framework']): Promise<CandidateFile> {
  const content = await readFile(join(FIXTURES, app, path), 'utf8');
  return { path, content, language, framework, origin: 'generated', acIds: [] };
}

describe.skipIf(!hasDocker)('hallucination guard in the real sandbox', () => {
  let sandbox: DockerSandbox;
  let tempRoot: string;
  let pyWorkspace: string;
  let tsWorkspace: string;
  let pyImage: string;
  let nodeImage: string;

  beforeAll(async () => {
    tempRoot = await mkdtemp(join(tmpdir(), 'tf-guard-'));
    pyWorkspace = join(tempRoot, 'python-app');
    tsWorkspace = join(tempRoot, 'ts-app');
    await cp(join(FIXTURES, 'python-app'), pyWorkspace, { recursive: true });
    await cp(join(FIXTURES, 'ts-app'), tsWorkspace, { recursive: true });
    [pyImage, nodeImage] = [await ensureRunnerImage('python'), await ensureRunnerImage('node')];
    sandbox = createDockerSandbox({ tempRoot });
  });

  afterAll(async () => {
    if (sandbox) await sandbox.removeOrphans({ instanceId: sandbox.instanceId });
    await rm(tempRoot, { recursive: true, force: true });
  });

  it('python: real imports resolve, misspellings and missing project modules are hallucinated, a missing package is unknown', async () => {
    const c = await candidate('python-app', 'tests/test_pricing_bad.py', 'python', 'pytest');
    const out = await runPythonGuard(c.path, c.content, { sandbox, image: pyImage, workspace: pyWorkspace });
    if (!out.ok) throw new Error(out.error);
    expect(out.value.tests.map((t) => t.name)).toEqual(['test_misspelled_function', 'test_missing_module', 'test_misspelled_attribute', 'test_third_party']);
    expect(out.value.hallucinated.map((h) => [h.name, h.kind, h.line]).sort()).toEqual([
      ['pricing.apply_discunt', 'attribute', 17],
      ['shop.inventory', 'module', 3],
      ['shop.pricing.apply_discont', 'name', 2],
    ]);
    expect(out.value.unknown.map((u) => [u.name, u.kind]).sort()).toEqual([
      ['shop.noisy', 'name'],
      ['stripe_payments_sdk', 'module'],
    ]);
  });

  it('python: a module whose import hangs is cut off by the per-module timeout and is unknown', async () => {
    const content = 'from shop.hangs import anything\nfrom shop.pricing import apply_discount\n\ndef test_x():\n    assert apply_discount(10, 10) == 9\n';
    const out = await runPythonGuard('tests/test_hangs.py', content, { sandbox, image: pyImage, workspace: pyWorkspace, importTimeoutMs: 1000 });
    if (!out.ok) throw new Error(out.error);
    expect(out.value.hallucinated).toEqual([]);
    expect(out.value.unknown).toEqual([{ name: 'shop.hangs', line: 1, kind: 'module', reason: 'importing the module timed out' }]);
  });

  it('python: a correct test passes the guard and keeps', async () => {
    const c = await candidate('python-app', 'tests/test_pricing_ok.py', 'python', 'pytest');
    const result = await runStaticChecks(c, [], { sandbox, image: pyImage, workspace: pyWorkspace });
    expect(result.guard).toEqual({ hallucinated: [], unknown: [] });
    expect(result.discovery).toBe('python-ast');
    expect(result.tests.map((t) => [t.id, t.decision])).toEqual([
      ['tests/test_pricing_ok.py::test_discount_of_ten_percent', 'keep'],
      ['tests/test_pricing_ok.py::test_cart_total', 'keep'],
    ]);
    expect(result.decision).toBe('keep');
  });

  it('python: a syntax error is reported by ast as a file finding', async () => {
    const c: CandidateFile = { path: 'tests/test_broken.py', content: 'def test_x(:\n    assert 1\n', language: 'python', framework: 'pytest', origin: 'generated', acIds: [] };
    const result = await runStaticChecks(c, [], { sandbox, image: pyImage, workspace: pyWorkspace });
    expect(result.fileFindings.map((f) => [f.rule, f.line])).toEqual([['syntax-error', 1]]);
    expect(result.decision).toBe('reject');
  });

  it('typescript: misspelled export, missing project module and missing property are hallucinated; an uninstalled package is unknown', async () => {
    const c = await candidate('ts-app', 'tests/pricing-bad.test.ts', 'typescript', 'vitest');
    const out = await runTsGuard(c.path, c.content, { sandbox, image: nodeImage, workspace: tsWorkspace });
    if (!out.ok) throw new Error(out.error);
    expect(out.value.hallucinated.map((h) => [h.name, h.kind, h.line])).toEqual([
      ['../src/pricing.js:applyDiscont', 'name', 3],
      ['../src/inventory.js', 'module', 4],
      ['pricing.applyDiscunt', 'attribute', 18],
      ['new Cart().totl', 'attribute', 19],
    ]);
    expect(out.value.unknown.map((u) => u.name).sort()).toEqual(['stripe-payments-sdk', 'vitest']);
  });

  it('typescript: the checks attribute hallucinations to tests and reject; a correct file keeps', async () => {
    const bad = await runStaticChecks(await candidate('ts-app', 'tests/pricing-bad.test.ts', 'typescript', 'vitest'), [], { sandbox, image: nodeImage, workspace: tsWorkspace });
    expect(bad.decision).toBe('reject');
    const attribute = bad.tests.find((t) => t.name === 'pricing > misspelled attribute');
    expect(attribute?.findings.map((f) => f.rule)).toEqual(['hallucinated-attribute', 'hallucinated-attribute']);
    expect(bad.fileFindings.map((f) => f.rule)).toEqual(['hallucinated-name', 'hallucinated-module']);

    const ok = await runStaticChecks(await candidate('ts-app', 'tests/pricing-ok.test.ts', 'typescript', 'vitest'), [], { sandbox, image: nodeImage, workspace: tsWorkspace });
    expect(ok.guard?.hallucinated).toEqual([]);
    expect(ok.decision).toBe('keep');
  });

  it('javascript: checkJs finds a misspelled import in a .js test', async () => {
    const c = await candidate('ts-app', 'tests/pricing-js.test.js', 'javascript', 'vitest');
    const out = await runTsGuard(c.path, c.content, { sandbox, image: nodeImage, workspace: tsWorkspace });
    if (!out.ok) throw new Error(out.error);
    expect(out.value.hallucinated.map((h) => h.name)).toEqual(['../src/pricing.js:applyDiscont']);
  });

  it('javascript: a name a JS helper exports CommonJS-style beside ES imports is not a hallucination; a misspelling of it still is', async () => {
    const c = await candidate('ts-app', 'tests/mixed-helpers.test.js', 'javascript', 'vitest');
    const out = await runTsGuard(c.path, c.content, { sandbox, image: nodeImage, workspace: tsWorkspace });
    if (!out.ok) throw new Error(out.error);
    expect(out.value.hallucinated.map((h) => h.name)).toEqual(['Helpers.atHourz']);
    expect(out.value.unknown.map((h) => h.name).filter((n) => n !== 'vitest').sort()).toEqual(['./helpers-mixed:H', 'Helpers.atHour', 'Helpers.withCents']);
  });

  it('batch: every candidate of a language checked in one guard process gives what each alone gives', async () => {
    const files: Array<[string, string, CandidateFile['language'], CandidateFile['framework']]> = [
      ['python-app', 'tests/test_pricing_bad.py', 'python', 'pytest'],
      ['python-app', 'tests/test_pricing_ok.py', 'python', 'pytest'],
      ['ts-app', 'tests/pricing-bad.test.ts', 'typescript', 'vitest'],
      ['ts-app', 'tests/pricing-ok.test.ts', 'typescript', 'vitest'],
      ['ts-app', 'tests/pricing-js.test.js', 'javascript', 'vitest'],
    ];
    const broken: CandidateFile = { path: 'tests/test_broken.py', content: 'def test_x(:\n    assert 1\n', language: 'python', framework: 'pytest', origin: 'generated', acIds: [] };
    const candidates = [...(await Promise.all(files.map(([app, path, language, framework]) => candidate(app, path, language, framework)))), broken];
    const py = candidates.filter((c) => c.language === 'python');
    const ts = candidates.filter((c) => c.language !== 'python');
    const runs: string[] = [];
    const counting = { ...sandbox, run: (spec: Parameters<DockerSandbox['run']>[0], exec: Parameters<DockerSandbox['run']>[1], signal?: AbortSignal) => {
      runs.push(exec.cmd.join(' '));
      return sandbox.run(spec, exec, signal);
    } };
    const pyMany = await runStaticChecksMany(py.map((c) => ({ candidate: c, acs: [] })), { sandbox: counting, image: pyImage, workspace: pyWorkspace });
    const tsMany = await runStaticChecksMany(ts.map((c) => ({ candidate: c, acs: [] })), { sandbox: counting, image: nodeImage, workspace: tsWorkspace });
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.includes('--batch'))).toBe(true);
    const pyAlone = await Promise.all(py.map((c) => runStaticChecks(c, [], { sandbox, image: pyImage, workspace: pyWorkspace })));
    const tsAlone = await Promise.all(ts.map((c) => runStaticChecks(c, [], { sandbox, image: nodeImage, workspace: tsWorkspace })));
    expect(pyMany).toEqual(pyAlone);
    expect(tsMany).toEqual(tsAlone);
    expect(pyMany.map((r) => r.decision)).toEqual(['reject', 'keep', 'reject']);
    expect(tsMany.map((r) => r.decision)).toEqual(['reject', 'keep', 'reject']);
  });
});
