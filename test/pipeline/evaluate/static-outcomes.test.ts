import { describe, expect, it, vi } from 'vitest';
import type { StaticCheckOutcome } from '../../../src/languages/static-check-types.js';
import { staticOutcomesFor, type StaticChecker } from '../../../src/pipeline/stages/evaluate/static-outcomes.js';
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
