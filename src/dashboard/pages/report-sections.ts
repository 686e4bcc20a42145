import type { Report, ReportTest, Verdict } from '../../report/types.js';
import { formatCost } from '../format.js';
import { html, join, type Html } from '../html.js';

const VERDICT_WORD: Record<Verdict, string> = { accept: 'accepted', flag: 'flagged', reject: 'rejected', error: 'could not be graded' };
const GROUPS: Array<{ verdict: Verdict; title: string; open: boolean }> = [
  { verdict: 'accept', title: 'Accepted', open: false },
  { verdict: 'flag', title: 'Flagged for review', open: true },
  { verdict: 'reject', title: 'Rejected', open: false },
  { verdict: 'error', title: 'Could not be graded', open: true },
];

function signalRows(t: ReportTest): Html[] {
  const s = t.signals;
  const rows: Array<[string, string]> = [];
  if (s.passes) rows.push(['Passes on the change', s.passes.ok ? 'yes' : `no${s.passes.failureKind ? ` (${s.passes.failureKind})` : ''}${s.passes.message ? `: ${s.passes.message}` : ''}`]);
  if (s.stability) rows.push(['Stability', `${s.stability.passed}/${s.stability.runs} runs passed${s.stability.flaky ? ' — flaky' : ''}`]);
  if (s.mutation) {
    const m = s.mutation;
    rows.push(['Mutants killed', `${m.killed} of ${m.total} (${m.killedByAssertion} by assertion, ${m.killedByCrash} by crash); ${m.survived} survived, ${m.notReached} not reached`]);
  }
  if (s.coverage) {
    const c = s.coverage;
    const where = Object.entries(c.changedLinesCovered).map(([f, lines]) => `${f}: ${lines.join(', ')}`).join('; ');
    const adds = c.addsOverSuite === null ? '' : c.addsOverSuite ? '; covers lines the existing suite does not' : '; adds nothing over the existing suite';
    rows.push(['Changed lines covered', `${c.coveredCount}/${c.changedTotal}${adds}${where ? ` (${where})` : ''}`]);
  }
  if (s.failToPass) rows.push(['Fail-to-pass', s.failToPass === 'fail-to-pass' ? 'fails on the base, passes on the change' : s.failToPass]);
  if (s.judge) rows.push(['Relevance judge', `${s.judge.relevant ? 'relevant' : 'not relevant'} (${s.judge.votes}/${s.judge.of} votes)${s.judge.rationale ? `: ${s.judge.rationale}` : ''}`]);
  for (const f of s.lint) rows.push([`Lint (${f.severity})`, `${f.rule}${f.line !== undefined ? ` line ${f.line}` : ''}: ${f.message}`]);
  return rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`);
}

function testBlock(t: ReportTest, code: string | undefined, open: boolean): Html {
  return html`<details class="test" id="test-${encodeURIComponent(t.id)}"${open ? html` open` : ''}>
<summary><span class="badge v-${t.verdict}">${VERDICT_WORD[t.verdict]}</span> <code>${t.id}</code>${t.acIds.length ? html` <span class="muted">— ${t.acIds.join(', ')}</span>` : ''}</summary>
<h4>Reasons</h4>
${t.reasons.length === 0 ? html`<p>Passes, is stable, and catches planted bugs in the changed code.</p>` : html`<ul>${join(t.reasons.map((r) => html`<li><span class="muted">${r.severity} · ${r.code}</span> — ${r.text}</li>`))}</ul>`}
<h4>Signals</h4>
<div class="table-wrap"><table><tbody>${join(signalRows(t))}</tbody></table></div>
<p class="muted">File <code>${t.file}</code>${t.line !== undefined ? `, line ${t.line}` : ''} · ${t.origin}${t.subtaskId ? ` · subtask ${t.subtaskId}` : ''}</p>
${code !== undefined ? html`<h4>Code</h4><pre><code>${code}</code></pre>` : html`<p class="muted">The test's code was not kept with this run.</p>`}
</details>`;
}

/** The tests, grouped by verdict, each with its reasons, signals and code. */
export function renderTests(report: Report, codeOf: (t: ReportTest) => string | undefined): Html {
  if (report.tests.length === 0) return html`<p>No test was graded.</p>`;
  return join(GROUPS.map((g) => {
    const tests = report.tests.filter((t) => t.verdict === g.verdict);
    if (tests.length === 0) return '';
    return html`<h3>${g.title} (${tests.length})</h3>${join(tests.map((t) => testBlock(t, codeOf(t), g.open)))}`;
  }));
}

export function renderSummary(report: Report): Html {
  const s = report.summary;
  return html`<div class="table-wrap"><table><caption>Summary</caption>
<thead><tr><th scope="col" class="num">Accepted</th><th scope="col" class="num">Flagged</th><th scope="col" class="num">Rejected</th><th scope="col" class="num">Errors</th><th scope="col" class="num">Stuck</th><th scope="col" class="num">Criteria verified</th></tr></thead>
<tbody><tr><td class="num v-accept">${s.accepted}</td><td class="num v-flag">${s.flagged}</td><td class="num v-reject">${s.rejected}</td><td class="num">${s.errors}</td><td class="num">${s.stuck}</td><td class="num">${s.acsVerified}/${s.acsTotal}</td></tr></tbody>
</table></div>`;
}

/** The acceptance criteria and the accepted (or flagged) tests that cite each. */
export function renderLedger(report: Report): Html {
  if (report.acs.length === 0) return html`<p>The run had no acceptance criteria${report.spec ? '' : ' (no spec was found)'}.</p>`;
  return html`<div class="table-wrap"><table><caption>Verified ${report.summary.acsVerified} of ${report.summary.acsTotal}${report.spec ? html` · spec <code>${report.spec.path}</code>` : ''}</caption>
<thead><tr><th scope="col">Criterion</th><th scope="col">Status</th><th scope="col">Text</th><th scope="col">Tests</th></tr></thead>
<tbody>${join(report.acs.map((ac) => html`<tr><th scope="row">${ac.id}</th><td class="ac-${ac.status}">${ac.status}</td><td>${ac.text}${ac.source ? html`<br><span class="muted">${ac.source.path}:${ac.source.line}</span>` : ''}</td><td>${ac.tests.length ? join(ac.tests.map((t) => html`<code>${t}</code>`), ', ') : '–'}</td></tr>`))}</tbody>
</table></div>`;
}

export function renderStuckAndNotes(report: Report): Html {
  return html`${report.stuck.length > 0 ? html`<h3>Stuck subtasks (${report.stuck.length})</h3><ul>${join(report.stuck.map((s) => html`<li><code>${s.target}</code> (${s.acIds.join(', ') || 'no criterion'}): ${s.reasons.join('; ')}</li>`))}</ul>` : ''}
${report.notes.length > 0 ? html`<h3>Notes</h3><ul>${join(report.notes.map((n) => html`<li>${n}</li>`))}</ul>` : ''}`;
}

export function renderUsage(usage: { calls: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number }, model: string): Html {
  return html`<dl class="facts">
<dt>Model</dt><dd>${model}</dd>
<dt>Calls</dt><dd>${usage.calls}</dd>
<dt>Tokens</dt><dd>${usage.inputTokens} in / ${usage.outputTokens} out</dd>
<dt>Prompt cache</dt><dd>${usage.cacheReadTokens} read / ${usage.cacheWriteTokens} written</dd>
<dt>Cost</dt><dd>${formatCost(usage.costUsd)}</dd>
</dl>`;
}
