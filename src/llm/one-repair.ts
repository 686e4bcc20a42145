import { TfError } from '../errors.js';
import { excerptPrompt } from './fingerprint.js';
import { addUsage, ZERO_USAGE, type LlmRequest, type LlmResponse, type LlmUsage } from './port.js';
import { fillPrompt } from './prompts.js';
import type { ParseOutcome } from './structured-output.js';

/** One model turn as an adapter sees it: the parsed output and what the turn cost. */
export interface Turn<T> {
  outcome: ParseOutcome<T>;
  usage: LlmUsage;
  notes: string[];
  /** Raw reply text, kept (shortened) as evidence when validation fails. */
  raw: string;
}

/** The repair message sent after an invalid reply: the repair prompt with the validation error and the JSON Schema quoted. */
export function buildRepairText(template: string, error: string, schemaName: string, schema = '(the schema of the first request)'): string {
  return fillPrompt(template, { error, schemaName, schema });
}

/**
 * Asks once, and on invalid output asks ONE more time quoting the validation error; a second invalid
 * reply is TfError LLM_INVALID_OUTPUT. Usage is summed over both turns.
 */
export async function completeWithOneRepair<T>(
  req: LlmRequest<T>,
  meta: { provider: string; model: string },
  first: () => Promise<Turn<T>>,
  repair: (error: string) => Promise<Turn<T>>,
): Promise<LlmResponse<T>> {
  const turn1 = await first();
  let usage = addUsage(ZERO_USAGE, turn1.usage);
  const notes = new Set(turn1.notes);
  if (turn1.outcome.ok) return respond(turn1.outcome.value, usage, meta.model, notes);
  const firstError = turn1.outcome.error;
  const turn2 = await repair(firstError);
  usage = addUsage(usage, turn2.usage);
  turn2.notes.forEach((n) => notes.add(n));
  if (turn2.outcome.ok) return respond(turn2.outcome.value, usage, meta.model, notes);
  throw new TfError('LLM_INVALID_OUTPUT', `${meta.provider} output for ${req.schemaName} failed validation twice`, {
    details: {
      provider: meta.provider,
      model: meta.model,
      purpose: req.purpose,
      schemaName: req.schemaName,
      firstError,
      repairError: turn2.outcome.error,
      replyExcerpt: turn2.raw.slice(0, 500),
      promptExcerpt: excerptPrompt(req.prompt),
      usage,
    },
    hint: 'the model did not follow the output schema; try a stronger model',
  });
}

function respond<T>(value: T, usage: LlmUsage, model: string, notes: Set<string>): LlmResponse<T> {
  return { value, usage, model, ...(notes.size ? { notes: [...notes] } : {}) };
}
