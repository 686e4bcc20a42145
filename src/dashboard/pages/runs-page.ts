import { formatCost, formatCount, formatMs, formatTime } from '../format.js';
import { html, join, safeHref, type Html } from '../html.js';
import type { RunRow } from '../view-model.js';

export const PAGE_SIZE = 25;
export const STATUS_FILTERS = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'superseded'] as const;
export const TRIGGER_FILTERS = ['label', 'comment', 'rerequest', 'synchronize', 'mcp', 'cli', 'rerun'] as const;

export interface RunsQuery {
  status?: string;
  repo?: string;
  trigger?: string;
  page: number;
}

export function parseRunsQuery(params: URLSearchParams): RunsQuery {
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const v = params.get(name) ?? '';
    return (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
  };
  const status = pick('status', STATUS_FILTERS);
  const trigger = pick('trigger', TRIGGER_FILTERS);
  const repo = (params.get('repo') ?? '').trim().slice(0, 200);
  const page = Math.max(1, Math.min(10_000, Number.parseInt(params.get('page') ?? '1', 10) || 1));
  return { ...(status ? { status } : {}), ...(trigger ? { trigger } : {}), ...(repo ? { repo } : {}), page };
}

export function matchesQuery(row: RunRow, q: RunsQuery): boolean {
  if (q.status && row.status !== q.status) return false;
  if (q.trigger && row.trigger !== q.trigger) return false;
  if (q.repo && !row.repo.toLowerCase().includes(q.repo.toLowerCase())) return false;
  return true;
}

function queryString(q: RunsQuery, page: number): string {
  const p = new URLSearchParams();
  if (q.status) p.set('status', q.status);
  if (q.repo) p.set('repo', q.repo);
  if (q.trigger) p.set('trigger', q.trigger);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function option(value: string, selected: string | undefined, label = value): Html {
  return html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;
}

function row(base: string, r: RunRow): Html {
  const counts = r.accepted === undefined ? '–' : `${r.accepted} / ${r.flagged ?? 0} / ${r.rejected ?? 0}`;
  const criteria = r.acsTotal === undefined ? '–' : `${formatCount(r.acsVerified)}/${r.acsTotal}`;
  return html`<tr>
  <td data-label="Run"><a href="${base}/runs/${encodeURIComponent(r.id)}">${r.id.slice(0, 8)}</a><br><span class="muted nowrap">${formatTime(r.createdAt)}</span></td>
  <td data-label="Repository">${r.repo}</td>
  <td data-label="PR or refs">${r.prUrl ? html`<a href="${safeHref(r.prUrl)}" rel="noopener noreferrer">${r.subject}</a>` : html`<code>${r.subject}</code>`}</td>
  <td data-label="Trigger">${r.trigger}</td>
  <td data-label="Status"><span class="badge s-${r.status}">${r.status}</span>${r.stage && (r.status === 'running' || r.status === 'failed') ? html` <span class="muted">${r.stage}</span>` : ''}</td>
  <td data-label="Accepted / flagged / rejected" class="num">${counts}</td>
  <td data-label="Criteria verified" class="num">${criteria}</td>
  <td data-label="Duration" class="num">${formatMs(r.durationMs)}</td>
  <td data-label="Cost" class="num">${formatCost(r.costUsd)}</td>
</tr>`;
}

/** The runs list: filters, one row per run, pages of PAGE_SIZE. `rows` is every run the viewer may see, newest first. */
export function renderRunsPage(base: string, rows: RunRow[], q: RunsQuery, opts: { scanned: number; scanLimit: number }): Html {
  const matching = rows.filter((r) => matchesQuery(r, q));
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const pageNo = Math.min(q.page, pages);
  const shown = matching.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
  return html`<h1>Runs</h1>
<form class="filters" method="get" action="${base}/" role="search" aria-label="Filter runs">
  <label>Status <select name="status">${option('', q.status, 'any')}${STATUS_FILTERS.map((s) => option(s, q.status))}</select></label>
  <label>Repository <input name="repo" value="${q.repo ?? ''}" placeholder="owner/repo" autocomplete="off"></label>
  <label>Trigger <select name="trigger">${option('', q.trigger, 'any')}${TRIGGER_FILTERS.map((s) => option(s, q.trigger))}</select></label>
  <button type="submit">Filter</button>
  ${q.status || q.repo || q.trigger ? html`<a href="${base}/">Clear</a>` : ''}
</form>
${shown.length === 0
    ? html`<p class="notice">No run matches${q.status || q.repo || q.trigger ? ' these filters' : ' yet'}. Start one with <code>tfactory run</code>, the MCP tool <code>create_run</code>, or the <code>tfactory</code> label on a pull request.</p>`
    : html`<div class="table-wrap"><table class="runs">
<caption>${matching.length} run${matching.length === 1 ? '' : 's'}${pages > 1 ? `, page ${pageNo} of ${pages}` : ''}${opts.scanned >= opts.scanLimit ? ` (the newest ${opts.scanLimit} looked at)` : ''}</caption>
<thead><tr><th scope="col">Run</th><th scope="col">Repository</th><th scope="col">PR or refs</th><th scope="col">Trigger</th><th scope="col">Status</th><th scope="col" class="num">Accepted / flagged / rejected</th><th scope="col" class="num">Criteria verified</th><th scope="col" class="num">Duration</th><th scope="col" class="num">Cost</th></tr></thead>
<tbody>${join(shown.map((r) => row(base, r)))}</tbody>
</table></div>`}
<nav class="pager" aria-label="Pages">
  ${pageNo > 1 ? html`<a rel="prev" href="${base}/${queryString(q, pageNo - 1)}">← Newer</a>` : ''}
  ${pageNo < pages ? html`<a rel="next" href="${base}/${queryString(q, pageNo + 1)}">Older →</a>` : ''}
</nav>`;
}
