import { describe, expect, it } from 'vitest';
import { formatJudgeBench, runJudgeBench } from '../../src/bench/judge.js';

describe('bench:judge over the recorded runs', () => {
  const rows = runJudgeBench();

  it('counts the same accepted tests before and after, and the judge at most a quarter of every run\'s calls after', () => {
    const demo = rows.find((r) => r.name === 'demo');
    expect(demo?.before?.calls).toEqual({ plan: 2, generate: 5, judge: 12 });
    expect(demo?.perFile?.calls).toEqual({ plan: 2, generate: 5, judge: 4 });
    expect(demo?.after.calls).toEqual({ plan: 2, generate: 5, judge: 1 });
    for (const r of rows) {
      expect(r.after.accepted, r.name).toBeGreaterThan(0);
      expect(r.after.judgeShare, r.name).toBeLessThanOrEqual(0.25);
      for (const earlier of [r.before, r.perFile]) {
        if (!earlier) continue;
        // The Python model run's per-file recording predates the number lint turning into a hint for
        // tests that fail on base and kill a mutant by a value check: 3 of its tests were flagged then.
        expect(r.after.accepted, r.name).toBe(earlier.accepted + (r.name === 'python (model)' ? 3 : 0));
        expect(r.after.judgeShare, r.name).toBeLessThan(earlier.judgeShare);
        expect(r.after.judgeTokensPerAccepted, r.name).toBeLessThan(earlier.judgeTokensPerAccepted);
      }
      if (r.before) expect(r.after.cacheableShare, r.name).toBeGreaterThan(r.before.cacheableShare);
    }
    // The runs answered by a capable model through the relay: both recorded, with cache figures.
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['python (model)', 'typescript (model)']));
    for (const r of rows.filter((x) => x.name.endsWith('(model)'))) expect(r.after.cacheReadShare, r.name).toBeGreaterThan(0);
  });

  it('prints one line per run and recording', () => {
    const text = formatJudgeBench(rows);
    expect(text).toMatch(/^demo before\s+19 \(2\/5\/12\)\s+63%/m);
    expect(text).toMatch(/^demo per file\s+11 \(2\/5\/4\)\s+36%/m);
    expect(text).toMatch(/^demo after\s+8 \(2\/5\/1\)\s+13%/m);
  });
});
