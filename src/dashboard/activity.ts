import type { Run } from '../runs/types.js';
import { formatMs } from './format.js';

/** One line of a run's activity: what moved, when. */
export interface ActivityLine {
  at: string;
  text: string;
}

/** The lines a stored run already tells (stage starts and ends, the outcome), oldest first. */
export function activityOf(run: Run): ActivityLine[] {
  const lines: ActivityLine[] = [{ at: run.createdAt, text: `run queued (${run.request.trigger.kind}${run.request.trigger.actor ? ` by ${run.request.trigger.actor}` : ''})` }];
  if (run.startedAt) lines.push({ at: run.startedAt, text: 'run picked up by a worker' });
  for (const s of run.stages) {
    if (s.startedAt) lines.push({ at: s.startedAt, text: `${s.name} started` });
    if (s.status === 'running' && s.progress) lines.push({ at: later(run.updatedAt, s.startedAt), text: `${s.name} ${s.progress.done}/${s.progress.total}` });
    if (s.finishedAt || s.status === 'skipped' || s.status === 'failed') lines.push({ at: s.finishedAt ?? run.updatedAt, text: stageEnd(s) });
  }
  if (run.finishedAt) lines.push({ at: run.finishedAt, text: runEnd(run) });
  return lines.filter((l, i) => l.text !== lines[i - 1]?.text).sort((a, b) => a.at.localeCompare(b.at));
}

function later(a: string, b: string | undefined): string {
  return b !== undefined && b > a ? b : a;
}

function stageEnd(s: Run['stages'][number]): string {
  if (s.status === 'failed') return `${s.name} failed${s.error ? `: ${s.error.message}` : ''}`;
  if (s.status === 'skipped') return `${s.name} skipped${s.note ? ` (${s.note})` : ''}`;
  return `${s.name} done in ${formatMs(s.durationMs)}${s.note ? ` (${s.note})` : ''}`;
}

function runEnd(run: Run): string {
  const summary = run.report?.summary;
  const counts = summary ? `: ${summary.accepted} accepted, ${summary.flagged} flagged, ${summary.rejected} rejected` : '';
  return `run ${run.status}${counts}${run.error && run.status !== 'succeeded' ? ` (${run.error.message})` : ''}`;
}

/** What changed between two snapshots of one run, as lines (the live log). */
export function activityBetween(before: Run, after: Run, at: string = after.updatedAt): ActivityLine[] {
  const lines: ActivityLine[] = [];
  if (before.status === 'queued' && after.status === 'running') lines.push({ at: after.startedAt ?? at, text: 'run picked up by a worker' });
  for (const s of after.stages) {
    const old = before.stages.find((o) => o.name === s.name);
    if (!old) continue;
    if (s.status !== old.status) {
      if (s.status === 'running') lines.push({ at: s.startedAt ?? at, text: `${s.name} started` });
      else if (s.status === 'done' || s.status === 'failed' || s.status === 'skipped') lines.push({ at: s.finishedAt ?? at, text: stageEnd(s) });
      else if (s.status === 'pending' && s.note) lines.push({ at, text: `${s.name} reset (${s.note})` });
    }
    if (s.status === 'running' && s.progress && (s.progress.done !== old.progress?.done || s.progress.total !== old.progress?.total)) {
      lines.push({ at, text: `${s.name} ${s.progress.done}/${s.progress.total}` });
    }
  }
  if (after.status !== before.status && after.status !== 'running') lines.push({ at: after.finishedAt ?? at, text: runEnd(after) });
  return lines;
}
