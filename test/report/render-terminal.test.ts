import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/report/render-terminal.js';
import { displayWidth } from '../../src/report/terminal-text.js';
import type { Report } from '../../src/report/types.js';
import { makeReport, reportTest, sampleReport } from '../fakes/reports.js';
import { withPublication } from '../../src/report/publication.js';

const ESC = '\x1b';

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** A report with everything a terminal finds hard: long ids and reasons, wide characters, control characters, many criteria. */
function awkwardReport(): Report {
  const report = makeReport({ accepted: 2, flagged: 1, rejected: 2, unverifiedAcs: 3 });
  report.tests[0] = reportTest('test_' + 'very_long_name_'.repeat(8), { id: `tests/deeply/nested/folder/test_module.py::test_${'very_long_name_'.repeat(8)}`, acIds: ['AC#1', 'AC#2', 'AC#3', 'AC#4', 'AC#5'] });
  report.tests[1] = reportTest('test_割引_が_適用される', { id: 'tests/test_割引.py::test_割引_が_適用される_場合の境界値テスト' });
  report.tests[2] = reportTest('test_evil', {
    id: `tests/test_evil.py::test_evil\x1b[2J\x1b]0;pwned\x07\r\n<details>`,
    verdict: 'flag',
    reasons: [{ code: 'x', text: `It \`checks\` something\tvague\u202e with a reason that goes on and on ${'and on '.repeat(30)}`, severity: 'flag' }],
  });
  report.acs[1] = { id: 'AC#1', text: `A criterion that is much longer than any terminal line ${'is wide '.repeat(20)}`, status: 'unverified', tests: [] };
  report.notes = [`A note that wraps over several lines because it is long: ${'words '.repeat(40)}`, 'A short note.'];
  report.stuck = [{ subtaskId: 'S1', target: `src/${'nested/'.repeat(10)}module.py::function_name`, acIds: ['AC#2'], reasons: ['no test could be written', 'twice'] }];
  report.summary.stuck = 1;
  return report;
}

describe('renderTerminal', () => {
  it('renders the sample report at 80 columns (golden file)', async () => {
    await expect(renderTerminal(sampleReport(), { width: 80 })).toMatchFileSnapshot('../../fixtures/reports/sample-report.80.txt');
  });

  it('renders the sample report at 120 columns (golden file)', async () => {
    await expect(renderTerminal(sampleReport(), { width: 120, fullReport: { path: '/home/me/.cache/tfactory/reports/run_01HX.md' } }))
      .toMatchFileSnapshot('../../fixtures/reports/sample-report.120.txt');
  });

  it('says where the tests went, file by file, and which accepted tests were left out', () => {
    const report = withPublication(sampleReport(), {
      target: { kind: 'folder', path: '/home/me/.cache/tfactory/accepted-tests/run_01HX' },
      files: [{ path: 'tests/test_pricing.py', tests: ['tests/test_pricing.py::test_discount_at_threshold'], pruned: true }],
      leftOut: [{ test: 'tests/test_pricing.py::test_other', reason: 'other cases of the same test function were not accepted' }],
    });
    const text = renderTerminal(report, { width: 200 });
    expect(text).toContain('Published: 1 test in 1 file, written to /home/me/.cache/tfactory/accepted-tests/run_01HX\n- tests/test_pricing.py (1 test, cut down to the accepted ones)\n');
    expect(text).toContain('- not published: tests/test_pricing.py::test_other: other cases of the same test function were not accepted');
  });

  it.each([20, 32, 40, 60, 80, 100, 120, 200])('keeps every line within %i columns', (width) => {
    for (const report of [sampleReport(), awkwardReport()]) {
      for (const color of [false, true]) {
        const text = renderTerminal(report, { width, color, fullReport: { path: `/a/${'long-folder/'.repeat(20)}report.md` } });
        // eslint-disable-next-line no-control-regex
        const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
        for (const line of lines(plain)) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
      }
    }
  });

  it('has no HTML tags and no markdown tables', () => {
    // (awkwardReport's test id holds a literal "<details>": content is shown as it is, never as markup.)
    for (const report of [sampleReport(), makeReport({ accepted: 1, flagged: 1, rejected: 1, unverifiedAcs: 1 })]) {
      const text = renderTerminal(report, { width: 100 });
      expect(text).not.toMatch(/<\/?[a-z][a-z0-9]*[^>]*>/i);
      expect(text).not.toMatch(/^\s*\|/m);
      expect(text).not.toMatch(/\| *-{3}/);
      expect(text).not.toContain('`');
    }
  });

  it('cuts long cells with "…": test ids from the left (the name stays), text from the right', () => {
    const text = renderTerminal(sampleReport(), { width: 80 });
    const row = lines(text).find((l) => l.startsWith('flagged'));
    expect(row).toMatch(/^flagged +….*::test_negative_price_raises +AC#2 +It noticed .*…$/);
    // Wide enough, nothing in the table is cut.
    const wide = renderTerminal(sampleReport(), { width: 200 });
    expect(lines(wide).find((l) => l.startsWith('flagged'))).toContain('tests/test_pricing.py::test_negative_price_raises');
    expect(wide).toContain('It noticed 2 planted bugs only because the code crashed, never by checking a computed value.');
  });

  it('colours the verdict and status words only when asked', () => {
    const plain = renderTerminal(sampleReport(), { width: 100 });
    expect(plain).not.toContain(ESC);
    const coloured = renderTerminal(sampleReport(), { width: 100, color: true });
    expect(coloured).toContain(`${ESC}[32maccepted${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[33mflagged${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[31mrejected${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[32m1 accepted${ESC}[0m`);
    // Same text once the colour codes are taken out.
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('prints no control characters from the report, so a test name cannot drive the terminal', () => {
    const text = renderTerminal(awkwardReport(), { width: 200 });
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(text).toContain('test_evil[2J]0;pwned');
  });

  it('ends with where the full report is: the file, else the hint', () => {
    expect(lines(renderTerminal(sampleReport(), { width: 80, fullReport: { path: '/tmp/r.md' } })).at(-1)).toBe('Full report: /tmp/r.md');
    expect(lines(renderTerminal(sampleReport(), { width: 80, fullReport: { hint: 'run the demo with --format md' } })).at(-1)).toBe('Full report: run the demo with --format md');
    expect(lines(renderTerminal(sampleReport(), { width: 80 })).at(-1)).toBe('Full report: print it with --format md');
    // A path longer than the line is not cut (it is to be copied) but broken over lines.
    const path = `/a/${'long-folder/'.repeat(10)}report.md`;
    const tail = lines(renderTerminal(sampleReport(), { width: 40, fullReport: { path } }));
    const from = tail.indexOf('Full report:');
    expect(tail.slice(from + 1).join('')).toBe(path);
  });

  it('shows the notes wrapped, the stuck subtasks and a report without spec or tests', () => {
    const text = renderTerminal(awkwardReport(), { width: 60 });
    expect(text).toMatch(/^Notes\n- A note that wraps over several lines because it is long:\n {2}words/m);
    expect(text).toContain('- A short note.');
    expect(text).toMatch(/^Stuck \(1\)/m);
    const empty = renderTerminal({ ...makeReport({}), spec: null, tests: [], acs: [] }, { width: 60 });
    expect(empty).toContain('Tests: none');
    expect(empty).toMatch(/^Spec +none found$/m);
    expect(empty).not.toContain('Criteria (');
  });

  it('defaults to the terminal width, else 100 columns', () => {
    const columns = process.stdout.columns;
    try {
      process.stdout.columns = 0;
      expect(Math.max(...lines(renderTerminal(awkwardReport())).map(displayWidth))).toBe(100);
      process.stdout.columns = 64;
      expect(Math.max(...lines(renderTerminal(awkwardReport())).map(displayWidth))).toBe(64);
    } finally {
      process.stdout.columns = columns;
    }
  });
});
