import { describeSettings } from '../../report/render-markdown.js';
import type { ReportTest } from '../../report/types.js';
import type { StageOutputs } from '../../runs/store.js';
import { describeSource } from '../../runs/subject.js';
import type { Run } from '../../runs/types.js';
import { activityOf } from '../activity.js';
import { formatCost, formatMs, formatTime } from '../format.js';
import { html, join, safeHref, type Html } from '../html.js';
import { isActive, runDurationMs, toRunRow } from '../view-model.js';
import { renderLedger, renderStuckAndNotes, renderSummary, renderTests, renderUsage } from './report-sections.js';

/** Which actions the viewer may take on this run, and why one is not offered. */
export interface RunActions {
  cancel: boolean;
  rerun: boolean;
  /** Shown when an action is withheld for a reason the viewer can act on. */
  note?: string;
}

export interface RunPageInput {
  base: string;
  run: Run;
  outputs: StageOutputs;
  actions: RunActions;
  csrf: string;
  /** Flash message after an action (from the query string; plain text). */
  flash?: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The test function's source (evaluate kept it), else its whole generated file. */
export function codeFinder(outputs: StageOutputs): (t: ReportTest) => string | undefined {
  const sources = record(record(outputs.evaluate)?.sources) ?? {};
  const candidates = record(outputs.generate)?.candidates;
  const files = new Map<string, string>();
  if (Array.isArray(candidates)) {
    for (const c of candidates) {
      const r = record(c);
      if (r && typeof r.path === 'string' && typeof r.content === 'string') files.set(r.path, r.content);
    }
  }
  return (t) => {
    const own = sources[t.id];
    if (typeof own === 'string') return own;
    return files.get(t.file);
  };
}

function stageRow(s: Run['stages'][number]): Html {
  const p = s.progress;
  return html`<li data-stage="${s.name}" data-status="${s.status}">
<strong>${s.name}</strong>
<span class="s-${s.status}" data-field="status">${s.status}</span>
<span data-field="duration">${s.durationMs !== undefined ? formatMs(s.durationMs) : ''}</span>
<span><progress max="${p?.total ?? 1}" value="${p?.done ?? 0}" aria-label="${s.name} progress"${p && p.total > 0 ? '' : html` hidden`}></progress> <span data-field="count">${p ? `${p.done}/${p.total}` : ''}</span> <span class="muted" data-field="detail">${s.error?.message ?? s.note ?? ''}</span></span>
</li>`;
}

function published(run: Run, outputs: StageOutputs): Html {
  const stage = run.stages.find((s) => s.name === 'publish');
  const out = record(outputs.publish);
  const commitSha = typeof out?.commitSha === 'string' ? out.commitSha : undefined;
  const notes = Array.isArray(out?.notes) ? out.notes.filter((n): n is string => typeof n === 'string') : [];
  const src = run.request.source;
  const items: Html[] = [];
  if (run.request.options.dryRun) items.push(html`<li>Dry run: nothing was published.</li>`);
  if (!stage || stage.status === 'pending' || stage.status === 'running') items.push(html`<li>Not published yet (publish is ${stage?.status ?? 'pending'}).</li>`);
  else if (stage.status === 'skipped') items.push(html`<li>Publish skipped${stage.note ? ` (${stage.note})` : ''}.</li>`);
  else if (stage.status === 'failed') items.push(html`<li class="v-reject">Publish failed${stage.error ? `: ${stage.error.message}` : ''}.</li>`);
  else if (src.kind === 'github') {
    const repoUrl = `https://github.com/${encodeURIComponent(src.owner)}/${encodeURIComponent(src.repo)}`;
    items.push(html`<li>Check run on <code>${src.headSha.slice(0, 12)}</code> in <a href="${safeHref(`${repoUrl}/pull/${src.pullNumber}/checks`)}" rel="noopener noreferrer">${src.owner}/${src.repo}</a></li>`);
    items.push(html`<li>Comment on <a href="${safeHref(`${repoUrl}/pull/${src.pullNumber}`)}" rel="noopener noreferrer">pull request #${src.pullNumber}</a></li>`);
    items.push(commitSha
      ? html`<li>Commit <code>${commitSha.slice(0, 12)}</code> pushed to <code>${src.headRepoFullName}:${src.headRef}</code></li>`
      : html`<li>No commit (no test file had all its tests accepted).</li>`);
  } else {
    items.push(commitSha
      ? html`<li>Commit <code>${commitSha.slice(0, 12)}</code> on <code>${src.headRef}</code> in <code>${src.repoPath}</code></li>`
      : html`<li>${run.request.options.commit ? 'No commit (no test file had all its tests accepted).' : 'Accepted test files written beside the run database (no commit asked for).'}</li>`);
  }
  for (const n of notes) items.push(html`<li class="muted">${n}</li>`);
  return html`<ul>${join(items)}</ul>`;
}

function actionForms(input: RunPageInput): Html {
  const { base, run, actions, csrf } = input;
  const id = encodeURIComponent(run.id);
  const forms: Html[] = [];
  if (actions.rerun) forms.push(html`<form method="post" action="${base}/runs/${id}/rerun"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Run again</button></form>`);
  if (actions.cancel && isActive(run)) forms.push(html`<form method="post" action="${base}/runs/${id}/cancel" data-confirm="Cancel this run?"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="danger">Cancel run</button></form>`);
  return html`<div class="actions">
${run.report ? html`<a href="${base}/runs/${id}/report.md" download>Report (Markdown)</a> <a href="${base}/runs/${id}/report.json" download>Report (JSON)</a>` : ''}
${join(forms)}
</div>${actions.note ? html`<p class="muted">${actions.note}</p>` : ''}`;
}

/** One run: facts, actions, the stage timeline and activity (live while it runs), then its report. */
export function renderRunPage(input: RunPageInput): Html {
  const { base, run, outputs } = input;
  const row = toRunRow(run);
  const src = run.request.source;
  const report = run.report;
  const model = run.request.settings.model;
  const modelName = report ? `${report.usage.provider}/${report.usage.model}` : model.provider === 'none' ? 'no model' : `${model.provider}${'id' in model && model.id ? `/${model.id}` : ''}`;
  const live = isActive(run);
  return html`<p><a href="${base}/">← All runs</a></p>
<h1>${row.repo} ${row.subject}</h1>
${input.flash ? html`<p class="notice" role="status">${input.flash}</p>` : ''}
<dl class="facts">
<dt>Run</dt><dd><code>${run.id}</code></dd>
<dt>Status</dt><dd><span id="run-status" class="badge s-${run.status}">${run.status}</span>${run.error && run.status !== 'succeeded' ? html` <span class="muted">${run.error.message}</span>` : ''}${run.supersededBy ? html` by <a href="${base}/runs/${encodeURIComponent(run.supersededBy)}">${run.supersededBy.slice(0, 8)}</a>` : ''}</dd>
<dt>Source</dt><dd>${row.prUrl ? html`<a href="${safeHref(row.prUrl)}" rel="noopener noreferrer">${describeSource(src)}</a>` : describeSource(src)}${src.kind === 'github' && src.prTitle ? html`<br>${src.prTitle}` : ''}</dd>
${src.kind === 'github' ? html`<dt>Refs</dt><dd><code>${src.baseRef}</code> ← <code>${src.headRepoFullName}:${src.headRef}</code> at <code>${src.headSha.slice(0, 12)}</code></dd>` : ''}
<dt>Trigger</dt><dd>${run.request.trigger.kind}${run.request.trigger.actor ? ` by ${run.request.trigger.actor}` : ''}</dd>
<dt>Created</dt><dd>${formatTime(run.createdAt)}</dd>
<dt>Duration</dt><dd><span id="run-duration"${run.startedAt ? html` data-started="${run.startedAt}"` : ''}>${formatMs(runDurationMs(run))}</span>${run.resumes > 0 ? ` (resumed ${run.resumes}×)` : ''}</dd>
<dt>Cost</dt><dd id="run-cost">${formatCost(run.usage.costUsd)}</dd>
<dt>Settings</dt><dd>${describeSettings(run.request.settings)}</dd>
</dl>
${actionForms(input)}
<section aria-labelledby="h-progress"${live ? html` data-events="${base}/runs/${encodeURIComponent(run.id)}/events"` : ''}>
<h2 id="h-progress">Stages</h2>
<p id="live-state" class="muted" role="status" aria-live="polite">${live ? 'Live updates start when the page has loaded.' : `This run has ended: ${run.status}.`}</p>
<ol class="stages">${join(run.stages.map(stageRow))}</ol>
<h3>Activity</h3>
<ol class="activity" id="activity" aria-live="polite">${join(activityOf(run).map((l) => html`<li><time datetime="${l.at}">${l.at.slice(11, 19)}</time> ${l.text}</li>`))}</ol>
</section>
${report
    ? html`<section aria-labelledby="h-report"><h2 id="h-report">Report</h2>${renderSummary(report)}
<h2 id="h-criteria">Acceptance criteria</h2>${renderLedger(report)}
<h2 id="h-tests">Tests</h2>${renderTests(report, codeFinder(outputs))}
${renderStuckAndNotes(report)}</section>`
    : html`<section aria-labelledby="h-report"><h2 id="h-report">Report</h2><p>${live ? 'The report appears here when the run finishes.' : 'This run has no report.'}</p></section>`}
<section aria-labelledby="h-published"><h2 id="h-published">Published</h2>${published(run, outputs)}</section>
<section aria-labelledby="h-usage"><h2 id="h-usage">Model usage</h2>${renderUsage(report ? report.usage : run.usage, modelName)}</section>`;
}
