import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { validateReport, reportJsonSchema } from '../../src/report/schema.js';
import { sampleReport } from '../fakes/reports.js';

describe('report.md', () => {
  it('renders the golden file', async () => {
    const report = sampleReport();
    await expect(renderMarkdown(report)).toMatchFileSnapshot('../../fixtures/reports/sample-report.md');
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
