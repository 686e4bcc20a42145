import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { validateReport, reportJsonSchema } from '../../src/report/schema.js';
import { withPublication } from '../../src/report/publication.js';
import { sampleReport } from '../fakes/reports.js';

describe('report.md', () => {
  it('renders the golden file', async () => {
    const report = sampleReport();
    await expect(renderMarkdown(report)).toMatchFileSnapshot('../../fixtures/reports/sample-report.md');
  });

  it('renders what was published, where, and the accepted tests left out; the ledger counts what was published', async () => {
    const report = sampleReport();
    const published = withPublication(report, {
      target: { kind: 'commit', commitSha: '0123456789abcdef0123', branch: 'feature' },
      files: [{ path: 'tests/test_pricing.py', tests: ['tests/test_pricing.py::test_discount_at_threshold'], pruned: true }],
      leftOut: [{ test: 'tests/test_other.py::test_kept_out', reason: 'its file no longer passes once cut down to the accepted tests (test_kept_out failed)' }],
    });
    expect(() => validateReport(published)).not.toThrow();
    expect(published.acs.find((a) => a.id === 'AC#1')?.published).toEqual(['tests/test_pricing.py::test_discount_at_threshold']);
    expect(published.acs.find((a) => a.id === 'AC#2')?.published).toEqual([]);
    await expect(renderMarkdown(published)).toMatchFileSnapshot('../../fixtures/reports/sample-report-published.md');
  });

  it('produces a report that validates against its schema', () => {
    expect(() => validateReport(sampleReport())).not.toThrow();
    expect(() => validateReport({ ...sampleReport(), schemaVersion: 2 })).toThrow();
  });

  it('matches the published JSON schema file', () => {
    const published = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/report.schema.json'), 'utf8')) as unknown;
    expect(published).toEqual(reportJsonSchema());
  });
});
