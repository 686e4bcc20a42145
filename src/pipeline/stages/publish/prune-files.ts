import { pluginFor } from '../../../languages/registry.js';
import type { Report, ReportTest } from '../../../report/types.js';
import type { CandidateFile } from '../../types.js';
import { staticNameFor } from '../evaluate/match-names.js';

/** A file to publish: whole, or cut down to its publishable tests (`pruned`, then run again before it is committed). */
export interface FileToPublish {
  file: CandidateFile;
  /** The report's tests it holds. */
  tests: ReportTest[];
  pruned: boolean;
}

export interface PublicationPlan {
  files: FileToPublish[];
  leftOut: Array<{ test: string; reason: string }>;
}

/** The verdicts a run publishes: accepted, and flagged too when the settings say `commitFlagged`. */
export function publishableVerdicts(opts: { commitFlagged: boolean }): Set<string> {
  return new Set(opts.commitFlagged ? ['accept', 'flag'] : ['accept']);
}

/**
 * Which tests are published, test function by test function. A file whose every test is
 * publishable goes whole; a generated file holding others too is cut down by its language's
 * plug-in to the publishable tests and what they need (`pruned`). A test function stays only when
 * every case the runner ran of it (parametrised, `.each`) is publishable. A provided file (written by
 * a person) is never rewritten: it goes whole or not at all. Every publishable test left out says why.
 */
export function planPublication(report: Report, candidates: CandidateFile[], opts: { commitFlagged: boolean }): PublicationPlan {
  const ok = publishableVerdicts(opts);
  const plan: PublicationPlan = { files: [], leftOut: [] };
  for (const c of candidates) {
    const tests = report.tests.filter((t) => t.file === c.path);
    const good = tests.filter((t) => ok.has(t.verdict));
    if (good.length === 0) continue;
    if (good.length === tests.length) {
      plan.files.push({ file: c, tests, pruned: false });
      continue;
    }
    const leaveOut = (list: ReportTest[], reason: string): void => {
      for (const t of list) plan.leftOut.push({ test: t.id, reason });
    };
    if (c.origin === 'provided') {
      leaveOut(good, 'its file was provided, not generated, and holds tests that were not accepted: a provided file is published whole or not at all');
      continue;
    }
    // Runner names (`test_x[2]`, `adds 1`) belong to the static test that spells them (`test_x`, `adds %i`).
    const ofStatic = (name: string): ReportTest[] => tests.filter((t) => staticNameFor(t.name, [name]) === name);
    const keep = (name: string): boolean => {
      const cases = ofStatic(name);
      return cases.length > 0 && cases.every((t) => ok.has(t.verdict));
    };
    const pruned = pluginFor(c.language).pruneTestFile(c.path, c.content, keep);
    const keptTests = pruned ? tests.filter((t) => pruned.kept.some((name) => staticNameFor(t.name, [name]) === name)) : [];
    if (!pruned || keptTests.length === 0) {
      leaveOut(good, 'its file could not be cut down to the accepted tests alone');
      continue;
    }
    leaveOut(good.filter((t) => !keptTests.includes(t)), 'other cases of the same test function were not accepted');
    plan.files.push({ file: { ...c, content: pruned.content, publishedTests: keptTests.map((t) => t.name) }, tests: keptTests, pruned: true });
  }
  return plan;
}
