import type { PlanSummary } from './types.js';

const TASK = /^(\s*)[-*+]\s+\[( |x|X)\]\s+(?:\d+(?:\.\d+)*\.?\s+)?(.*)$/;

/** Agent OS tasks.md as a plan: top-level checklist items are phases, nested items their subtasks. */
export function summariseAgentOsTasks(text: string): PlanSummary | undefined {
  const phases: Array<{ name: string; done: boolean; subtasks: boolean[] }> = [];
  for (const line of text.split(/\r?\n/)) {
    const m = TASK.exec(line);
    if (!m) continue;
    const done = (m[2] as string).toLowerCase() === 'x';
    const last = phases[phases.length - 1];
    if ((m[1] as string).length > 0 && last) last.subtasks.push(done);
    else phases.push({ name: (m[3] as string).trim(), done, subtasks: [] });
  }
  if (phases.length === 0) return undefined;
  const statusOf = (p: { done: boolean; subtasks: boolean[] }): string => (p.done ? 'completed' : p.subtasks.some(Boolean) ? 'in_progress' : 'pending');
  return {
    status: phases.every((p) => p.done) ? 'completed' : 'in_progress',
    phases: phases.map((p) => ({ name: p.name, status: statusOf(p), subtasks: p.subtasks.length })),
    filesToModify: [],
  };
}
