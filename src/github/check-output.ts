import type { Report } from '../report/types.js';
import type { Run, StageName } from '../runs/types.js';
import type { GateResult } from './quality-gate.js';
import { truncateMarkdown } from './truncate-markdown.js';

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

const STAGE_ICON: Record<string, string> = { pending: '⏳', running: '🔄', done: '✅', failed: '❌', skipped: '⏭️' };

/** The in-progress output: which stage the run is in, and how far along. */
export function buildProgressOutput(run: Run, stage?: StageName): CheckOutput {
  const current = stage ?? run.stages.find((s) => s.status === 'running')?.name;
  const record = run.stages.find((s) => s.name === current);
  const progress = record?.progress ? ` (${record.progress.done}/${record.progress.total})` : '';
  const rows = run.stages.map((s) => {
    const took = s.durationMs !== undefined ? ` · ${(s.durationMs / 1000).toFixed(1)} s` : '';
    const prog = s.progress ? ` · ${s.progress.done}/${s.progress.total}` : '';
    return `| ${s.name} | ${STAGE_ICON[s.status] ?? ''} ${s.status}${prog}${took} |`;
  });
  const summary = [
    current ? `TFactory run \`${run.id}\` is in the **${current}** stage${progress}.` : `TFactory run \`${run.id}\` is queued.`,
    '',
    ...(rows.length > 0 ? ['| Stage | Status |', '| --- | --- |', ...rows] : []),
  ].join('\n');
  return { title: current ? `Running: ${current}${progress}` : 'Queued', summary };
}

/** The final output: counts and gate reasons in the summary, the rendered report as text. */
export function buildReportOutput(report: Report, gate: GateResult, reportMarkdown: string, notes: string[] = []): CheckOutput {
  const s = report.summary;
  const title = `${s.accepted} accepted, ${s.flagged} flagged, ${s.rejected} rejected · ACs ${s.acsVerified}/${s.acsTotal} verified`;
  const summary = [
    `**Conclusion:** ${gate.conclusion}${gate.reasons.length > 0 ? ` — ${gate.reasons.join('; ')}` : ''}`,
    '',
    '| Tests | Accepted | Flagged | Rejected | Errors | Stuck | ACs verified |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${s.total} | ${s.accepted} | ${s.flagged} | ${s.rejected} | ${s.errors} | ${s.stuck} | ${s.acsVerified}/${s.acsTotal} |`,
    // A PR without a spec: which texts the criteria were read from.
    ...(report.spec?.derived ? ['', `**No spec:** ${report.spec.derived.label.replace(/^no spec: /, '')}.`] : []),
    ...(notes.length > 0 ? ['', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
  return {
    title,
    summary: truncateMarkdown(summary, undefined, 'the PR comment'),
    text: truncateMarkdown(reportMarkdown, undefined, 'the report in the PR comment'),
  };
}

/** The output of a run that ended without a report (failed, cancelled, superseded). */
export function buildEndedOutput(run: Run): CheckOutput {
  if (run.status === 'cancelled') return { title: 'Cancelled', summary: `TFactory run \`${run.id}\` was cancelled.${run.error ? `\n\n${run.error.message}` : ''}` };
  if (run.status === 'superseded') return { title: 'Superseded', summary: `TFactory run \`${run.id}\` was superseded by a newer run of this pull request.` };
  const error = run.error ? `\n\n\`${run.error.code}\`: ${run.error.message}` : '';
  return { title: 'Run failed', summary: truncateMarkdown(`TFactory run \`${run.id}\` failed.${error}`) };
}
