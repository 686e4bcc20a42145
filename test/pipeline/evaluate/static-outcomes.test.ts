import { describe, expect, it, vi } from 'vitest';
import type { StaticCheckOutcome } from '../../../src/languages/static-check-types.js';
import { settledFilesOf, staticOutcomesFor, type StaticChecker } from '../../../src/pipeline/stages/evaluate/static-outcomes.js';
import type { AcceptanceCriterion } from '../../../src/criteria/types.js';
import { createFakeSandbox } from '../../fakes/fake-sandbox.js';
import { candidate } from './grader-fixtures.js';

const acs: AcceptanceCriterion[] = [
  { id: 'AC#1', text: 'caps the discount at 50%', syntax: 'bullet', source: { path: 'spec.md', line: 3 } },
  { id: 'AC#2', text: 'refuses a negative discount', syntax: 'bullet', source: { path: 'spec.md', line: 4 } },
];
const where = { image: 'img', workspace: '/ws', sandbox: createFakeSandbox(() => ({})) };

describe('staticOutcomesFor', () => {
  it('reuses the outcome a generated file brings and checks only the files without one (once each)', async () => {
    const brought: StaticCheckOutcome = { tests: [{ id: 'tests/test_a.py::test_a', name: 'test_a', findings: [], source: 'def test_a(): ...', line: 1 }], fileFindings: [] };
    const computed: StaticCheckOutcome = { tests: [], fileFindings: [{ rule: 'no-tests', severity: 'high', message: 'no test function found in the file' }] };
    const check = vi.fn<StaticChecker>(async (items) => items.map(() => computed));
    const generated = candidate('tests/test_a.py', 'def test_a(): ...', { checks: brought });
    const provided = candidate('tests/test_b.py', 'x = 1', { origin: 'provided', acIds: ['AC#2', 'AC#9'] });
    const out = await staticOutcomesFor([generated, provided], acs, check, where);
    expect(out.get('tests/test_a.py')).toBe(brought);
    expect(out.get('tests/test_b.py')).toBe(computed);
    expect(check).toHaveBeenCalledTimes(1);
    // Only the criteria the file cites and the spec has.
    expect(check.mock.calls[0]?.[0].map((i) => i.candidate.path)).toEqual(['tests/test_b.py']);
    expect(check.mock.calls[0]?.[0][0]?.acs.map((a) => a.id)).toEqual(['AC#2']);
    expect(check.mock.calls[0]?.[1]).toBe(where);
  });
});

describe('settledFilesOf', () => {
  const test = (name: string, findings: StaticCheckOutcome['tests'][number]['findings']): StaticCheckOutcome['tests'][number] => ({ id: `f::${name}`, name, findings, source: '', line: 1 });
  const high = (rule: string) => ({ rule, severity: 'high' as const, message: rule });

  it('settles a file only when every test of it (or the file itself) is rejected by its static checks', async () => {
    const outcomes: Record<string, StaticCheckOutcome> = {
      'test/all-rejected.test.ts': { tests: [test('a', [high('no-assertion')]), test('b', [high('clock-unfrozen')])], fileFindings: [] },
      'test/mixed.test.ts': { tests: [test('a', [high('tautology')]), test('b', [])], fileFindings: [] },
      'test/medium-only.test.ts': { tests: [test('a', [{ rule: 'criterion-number', severity: 'medium', message: 'x' }])], fileFindings: [] },
      'test/file-level.test.ts': { tests: [test('a', [])], fileFindings: [high('tampers-with-grader')] },
      'test/no-tests.test.ts': { tests: [], fileFindings: [] },
    };
    const check: StaticChecker = async (items) => items.map((i) => outcomes[i.candidate.path] as StaticCheckOutcome);
    const files = Object.keys(outcomes).map((p) => candidate(p, '', { origin: 'provided' }));
    expect([...await settledFilesOf(files, acs, check, where)].sort()).toEqual(['test/all-rejected.test.ts', 'test/file-level.test.ts']);
  });
});
