import { describe, expect, it } from 'vitest';
import { formatJudgeBench, runJudgeBench } from '../../src/bench/judge.js';

describe('bench:judge over the recorded runs', () => {
  const rows = runJudgeBench();

  it('counts the same accepted tests before and after, with one judge call per test file after', () => {
    const demo = rows.find((r) => r.name === 'demo');
    expect(demo?.before.calls).toEqual({ plan: 2, generate: 5, judge: 12 });
    expect(demo?.after.calls).toEqual({ plan: 2, generate: 5, judge: 4 });
    for (const r of rows) {
      expect(r.after.accepted, r.name).toBe(r.before.accepted);
      expect(r.after.accepted, r.name).toBeGreaterThan(0);
      expect(r.after.judgeShare, r.name).toBeLessThan(r.before.judgeShare);
      expect(r.after.judgeTokensPerAccepted, r.name).toBeLessThan(r.before.judgeTokensPerAccepted);
      expect(r.after.cacheableShare, r.name).toBeGreaterThan(r.before.cacheableShare);
    }
  });

  it('prints one line per run and recording', () => {
    const text = formatJudgeBench(rows);
    expect(text).toMatch(/^demo before\s+19 \(2\/5\/12\)\s+63%/m);
    expect(text).toMatch(/^demo after\s+11 \(2\/5\/4\)\s+36%/m);
  });
});
