import type { Run } from '../runs/types.js';
import { buildProgressOutput } from './check-output.js';

/** The `/tfactory status` reply. */
export function renderRunStatus(run: Run | undefined): string {
  if (!run) return 'No TFactory run for this pull request yet. Start one with `/tfactory run`.';
  const lines = [`**TFactory** run \`${run.id}\` is **${run.status}** (started ${run.createdAt}).`];
  if (run.status === 'queued' || run.status === 'running') {
    lines.push('', buildProgressOutput(run).summary);
  } else if (run.report) {
    const s = run.report.summary;
    lines.push('', `${s.accepted} accepted, ${s.flagged} flagged, ${s.rejected} rejected; ${s.acsVerified}/${s.acsTotal} acceptance criteria verified.`);
  }
  if (run.error) lines.push('', `\`${run.error.code}\`: ${run.error.message}`);
  return lines.join('\n');
}

/** Newest first. */
export function sortNewestFirst(runs: Run[]): Run[] {
  return [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
