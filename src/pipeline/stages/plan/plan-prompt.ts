import type { IngestResult, Subtask } from '../../types.js';
import type { PlannedSubtask } from './plan-schema.js';
import { findProfileForFile, isTestPath } from './workspace-files.js';

export interface Refusal {
  proposed: PlannedSubtask;
  reasons: string[];
}

/** Request-specific text of a planning request: what to plan, and why a previous answer was refused. */
export function buildPlanPrompt(ingest: IngestResult, opts: { maxSubtasks: number; refusals: Refusal[]; replanFor?: Array<{ subtask: Subtask; reason: string }> }): string {
  const lines: string[] = [];
  const testable = ingest.diff.files.filter((f) => f.change !== 'deleted' && !f.binary && !isTestPath(f.path));
  const frameworks = testable.flatMap((f) => {
    const p = findProfileForFile(ingest.profiles, f.path);
    return p ? [`- ${f.path}: ${p.language} with ${p.framework}`] : [];
  });
  if (opts.replanFor?.length) {
    lines.push('## Task: replace rejected subtasks', '', 'The test written for each subtask below was rejected. Propose exactly one replacement subtask for each, and set its `replaces` to the id given. Avoid the cause of the rejection.');
    for (const { subtask, reason } of opts.replanFor) {
      lines.push('', `### ${subtask.id}`, `- target: ${subtask.target}`, `- acIds: ${subtask.acIds.join(', ') || '(none)'}`, `- intent: ${subtask.intent}`, `- rejected because: ${reason}`);
    }
  } else {
    lines.push('## Task: plan the tests', '', `Plan at most ${opts.maxSubtasks} subtasks for the changed code, following your instructions.`);
  }
  lines.push('', '## Files that may be targeted, with their test framework', ...(frameworks.length ? frameworks : ['(none: no changed source file has a known framework)']));
  if (opts.refusals.length) {
    lines.push('', '## Your previous answer was refused', 'These subtasks were invalid, for the reasons quoted. Fix exactly these problems; keep the subtasks that were fine.');
    for (const r of opts.refusals) {
      lines.push(`- target "${r.proposed.target}", acIds [${r.proposed.acIds.join(', ')}]:`, ...r.reasons.map((why) => `  > ${why}`));
    }
  }
  return lines.join('\n');
}
