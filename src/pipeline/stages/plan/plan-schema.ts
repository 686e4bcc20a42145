import { z } from 'zod';
import { MAX_TESTS_LIMIT } from '../../../config/run-settings.js';

/** One subtask as the model proposes it; ids, language and framework are ours to fill. */
export const plannedSubtaskSchema = z.object({
  target: z.string().min(3).describe('`path/to/changed_file::symbol`, a changed file of the diff and a symbol defined in it'),
  acIds: z.array(z.string().min(1)).describe('ids of the acceptance criteria this test verifies, exactly as in the spec'),
  lane: z.enum(['unit', 'integration']).optional().describe('`unit` unless the AC can only be seen with components together'),
  intent: z.string().min(10).describe('the input situation and the exact expected outcome, with concrete values'),
  rationale: z.string().min(5).describe('why this test would fail if the change were reverted or broken'),
  replaces: z.string().optional().describe('only when replacing rejected subtasks: the id of the subtask this one replaces'),
});

export const planOutputSchema = z.object({
  subtasks: z.array(plannedSubtaskSchema).max(MAX_TESTS_LIMIT),
});

export type PlannedSubtask = z.infer<typeof plannedSubtaskSchema>;
export type PlanOutput = z.infer<typeof planOutputSchema>;
