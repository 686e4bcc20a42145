import { z } from 'zod';
import type { LlmPort } from '../../../llm/port.js';
import { loadPrompt } from '../../../llm/prompts.js';
import type { AcceptanceCriterion } from '../../../criteria/types.js';
import type { TestSignals } from '../../../report/types.js';

const judgeOutput = z.object({
  relevant: z.boolean().describe('true if the test checks behaviour the acceptance criteria ask for, in the changed code'),
  rationale: z.string().max(600),
});

export interface JudgeInput {
  testId: string;
  testSource: string;
  acs: AcceptanceCriterion[];
  /** The changed code the test is meant to exercise (excerpt). */
  changedCode: string;
}

/**
 * The LLM relevance judge: asked `votes` times (best of 3 by default); the majority decides.
 * Shared context (the ACs and the changed code) goes first so that the three asks share a cache prefix.
 */
export async function judgeRelevance(llm: LlmPort, input: JudgeInput, opts: { votes?: number; signal?: AbortSignal } = {}): Promise<{ judge: NonNullable<TestSignals['judge']>; promptVersion: string }> {
  const prompt = loadPrompt('judge');
  const of = opts.votes ?? 3;
  const acText = input.acs.length > 0 ? input.acs.map((a) => `- ${a.id}: ${a.text}`).join('\n') : '(the test cites no acceptance criterion)';
  let yes = 0;
  let asked = 0;
  const rationales: string[] = [];
  for (let i = 0; i < of; i++) {
    const res = await llm.complete({
      purpose: 'judge',
      system: prompt.text,
      sharedContext: [`## Acceptance criteria\n${acText}`, `## Changed code\n${input.changedCode}`],
      prompt: `## Test \`${input.testId}\` (vote ${i + 1} of ${of})\n\n\`\`\`\n${input.testSource}\n\`\`\`\n\nDoes this test check behaviour that the acceptance criteria ask for, in the changed code? Answer as JSON.`,
      schema: judgeOutput,
      schemaName: 'relevance_verdict',
      maxTokens: 400,
      temperature: 1,
    }, opts.signal);
    asked++;
    if (res.value.relevant) yes++;
    else rationales.push(res.value.rationale);
    // Best of N: stop as soon as the majority is settled.
    if (yes > of / 2 || (i + 1 - yes) > of / 2) break;
  }
  const relevant = yes > of / 2;
  return {
    judge: { relevant, votes: yes, of: asked, ...(relevant || rationales.length === 0 ? {} : { rationale: rationales[0] ?? '' }) },
    promptVersion: prompt.version,
  };
}
