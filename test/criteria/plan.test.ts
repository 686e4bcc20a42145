import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/criteria/load-spec.js';
import { listSpecCandidates } from '../../src/criteria/locate-specs.js';
import { readContract, summarisePlan } from '../../src/criteria/plan.js';

describe('summarisePlan', () => {
  it('reads the loose {"version":1,"phases":[{"id":"AC#1"}]} shape and drops mistyped fields', () => {
    expect(summarisePlan({ version: 1, feature: 42, phases: [{ id: 'AC#1', status: 'complete' }, 'junk', { phase: 3, subtasks: [{ status: 'completed' }, { status: 'pending', files_to_modify: ['a.py'] }] }] })).toEqual({
      feature: '42',
      phases: [{ name: 'AC#1', status: 'complete', subtasks: 0 }, { name: 'Phase 3', status: 'in_progress', subtasks: 2 }],
      filesToModify: ['a.py'],
    });
    expect(summarisePlan('not an object')).toBeUndefined();
  });
});

describe('readContract', () => {
  it('keeps valid tfactory fields and reports the invalid ones', () => {
    const { contract, warnings } = readContract({ tfactory: { lanes: ['unit'], coverage_target: 80, mutation_scope: 'src' } });
    expect(contract).toEqual({ lanes: ['unit'] });
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/coverage_target[\s\S]*mutation_scope/);
    expect(readContract({ feature: 'x' })).toEqual({ warnings: [] });
  });
});

describe('loadSpec', () => {
  it('ignores invalid plan JSON with a warning, and does not follow a symlinked spec.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfactory-load-'));
    try {
      mkdirSync(join(dir, '.aifactory/specs/a'), { recursive: true });
      writeFileSync(join(dir, '.aifactory/specs/a/spec.md'), '# A\n\n## Acceptance Criteria\n\n- It works.\n');
      writeFileSync(join(dir, '.aifactory/specs/a/implementation_plan.json'), '{ not json');
      mkdirSync(join(dir, '.aifactory/specs/b'), { recursive: true });
      writeFileSync(join(dir, 'outside.md'), '# Secret\n\n## Acceptance Criteria\n\n- leaked\n');
      symlinkSync(join(dir, 'outside.md'), join(dir, '.aifactory/specs/b/spec.md'));
      const candidates = await listSpecCandidates(dir);
      expect(candidates.map((c) => c.id)).toEqual(['a']);
      const spec = await loadSpec(dir, candidates[0]!);
      expect(spec.acs.map((a) => a.text)).toEqual(['It works.']);
      expect(spec.plan).toBeUndefined();
      expect(spec.warnings?.[0]).toContain('implementation_plan.json: not valid JSON');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
