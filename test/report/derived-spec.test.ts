import { describe, expect, it } from 'vitest';
import { buildAnnotations } from '../../src/github/annotations.js';
import { buildReportOutput } from '../../src/github/check-output.js';
import { evaluateQualityGate } from '../../src/github/quality-gate.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import { validateReport } from '../../src/report/schema.js';
import type { Report } from '../../src/report/types.js';
import { sampleReport } from '../fakes/reports.js';

const LABEL = 'no spec: criteria derived from the PR title and description, #12, 3 commit messages';

/** The sample report of a PR without a spec: its criteria read from the PR, issue #12 and three commits. */
function derivedReport(): Report {
  const r = sampleReport();
  return {
    ...r,
    spec: { id: 'derived', kind: 'derived', path: 'PR #7', contentHash: 'c'.repeat(64), derived: { label: LABEL, sources: ['PR #7 title', 'PR #7 description', '#12', 'aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc'] } },
    acs: r.acs.map((ac, i) => ({ ...ac, text: i === 0 ? `${ac.text} (cc @octocat)` : ac.text, status: 'unverified', tests: [], source: { path: i === 0 ? 'PR #7 title' : 'issue #12', line: 1 } })),
  };
}

describe('a report whose criteria were derived (no spec)', () => {
  it('validates against the schema (spec.derived)', () => {
    expect(() => validateReport(derivedReport())).not.toThrow();
  });

  it('report.md: says "no spec" in the title, names the sources, marks the ledger as derived; @mentions in criteria notify nobody', () => {
    const md = renderMarkdown(derivedReport());
    expect(md.startsWith('## TFactory report — no spec\n\n> **No spec:** criteria derived from the PR title and description, #12, 3 commit messages.\n')).toBe(true);
    expect(md).toContain('### Acceptance criteria (derived) — verified');
    expect(md).toContain('(cc @\u200boctocat)');
    expect(md).not.toMatch(/@octocat/);
    expect(md).toContain(`- Criteria: ${LABEL} (read from \`PR #7 title\`, \`PR #7 description\`, \`#12\``);
    expect(md).not.toContain('- Spec: `PR #7`');
  });

  it('the terminal report and the check run summary carry the label', () => {
    const term = renderTerminal(derivedReport(), { width: 200, color: false });
    expect(term).toContain('TFactory report · no spec');
    expect(term).toContain(LABEL);
    const out = buildReportOutput(derivedReport(), { conclusion: 'neutral', reasons: [] }, renderMarkdown(derivedReport()));
    expect(out.summary).toContain('**No spec:** criteria derived from the PR title and description, #12, 3 commit messages.');
    expect(out.text).toContain('> **No spec:**');
  });

  it('no check-run annotation points at a derived criterion (no file holds it)', () => {
    const withSpec = buildAnnotations({ ...derivedReport(), spec: sampleReport().spec });
    expect(withSpec.some((a) => a.title.endsWith('not verified'))).toBe(true);
    expect(buildAnnotations(derivedReport()).some((a) => a.title.endsWith('not verified'))).toBe(false);
  });

  it('requireAllAcsVerified asks a person to act on unverified spec criteria, but only notes unverified derived ones', () => {
    const gate = { minAccepted: 0, failOnRejected: false, requireAllAcsVerified: true };
    const spec = { ...derivedReport(), spec: sampleReport().spec };
    expect(evaluateQualityGate(spec, gate).conclusion).toBe('action_required');
    const derived = evaluateQualityGate(derivedReport(), gate);
    expect(derived.conclusion).toBe('neutral');
    expect(derived.reasons).toContain(`${derivedReport().summary.acsTotal - derivedReport().summary.acsVerified} of ${derivedReport().summary.acsTotal} criteria derived from the PR (no spec) are not verified`);
  });
});
