import { z } from 'zod';
import type { LlmPort } from '../../../llm/port.js';
import { loadPrompt } from '../../../llm/prompts.js';
import type { TestSignals } from '../../../report/types.js';

const judgeOutput = z.object({
  tests: z.array(z.object({
    name: z.string().describe('the test name exactly as listed'),
    relevant: z.boolean().describe('true if the test checks behaviour its acceptance criteria ask for, in the changed code'),
    rationale: z.string().max(600),
  })),
});

export interface FileJudgeInput {
  /** Repo-relative path of the test file. */
  path: string;
  /** The whole test file (module constants, fixtures, helpers, hooks included). */
  content: string;
  /** The tests of the file to judge, with the ACs each claims. */
  tests: Array<{ name: string; acIds: string[] }>;
  /** Blocks every judge request of the run shares, byte for byte (the spec, the changed code): the cacheable prefix. */
  sharedContext: string[];
}

export type JudgeSignal = NonNullable<TestSignals['judge']>;

export interface FileJudgement {
  /** Test name → its judge signal; a test the model left out of its answer is absent. */
  verdicts: Map<string, JudgeSignal>;
  /** Model calls made (1, or 2 with a second opinion). */
  calls: number;
}

function judgePrompt(input: FileJudgeInput, tests: FileJudgeInput['tests'], reading: 'first' | 'second'): string {
  return [
    `## Test file \`${input.path}\``,
    '',
    '```',
    input.content.trimEnd(),
    '```',
    '',
    `## Tests to judge${reading === 'second' ? ' (a second reading)' : ''}`,
    ...tests.map((t) => `- \`${t.name}\` claims ${t.acIds.join(', ') || 'no AC (judge it against the whole spec)'}`),
    '',
    'For each listed test: does it check behaviour that the acceptance criteria it claims ask for, in the changed code? Answer as JSON.',
  ].join('\n');
}

/**
 * The LLM relevance judge, one call per test file: every listed test of the file is judged in one
 * answer, seeing the whole file and the changed code. A test the first reading finds not relevant
 * gets a second opinion (one more call for all such tests of the file); it is flagged only when both
 * readings dissent. So a file whose tests all convince costs one call.
 */
export async function judgeFile(llm: LlmPort, input: FileJudgeInput, opts: { signal?: AbortSignal } = {}): Promise<FileJudgement> {
  const prompt = loadPrompt('judge');
  const ask = async (tests: FileJudgeInput['tests'], reading: 'first' | 'second') => {
    const res = await llm.complete({
      purpose: 'judge',
      system: prompt.text,
      sharedContext: input.sharedContext,
      prompt: judgePrompt(input, tests, reading),
      schema: judgeOutput,
      schemaName: 'relevance_verdicts',
      maxTokens: 300 + 200 * tests.length,
      temperature: reading === 'first' ? 0 : 1,
    }, opts.signal);
    const wanted = new Set(tests.map((t) => t.name));
    return new Map(res.value.tests.filter((t) => wanted.has(t.name)).map((t) => [t.name, t]));
  };
  const first = await ask(input.tests, 'first');
  const dissent = input.tests.filter((t) => first.get(t.name)?.relevant === false);
  const second = dissent.length > 0 ? await ask(dissent, 'second') : new Map<string, { relevant: boolean; rationale: string }>();
  const verdicts = new Map<string, JudgeSignal>();
  for (const t of input.tests) {
    const a = first.get(t.name);
    if (!a) continue;
    const b = second.get(t.name);
    const answers = b ? [a, b] : [a];
    const votes = answers.filter((x) => x.relevant).length;
    const relevant = votes > 0;
    verdicts.set(t.name, { relevant, votes, of: answers.length, ...(relevant ? {} : { rationale: a.rationale }) });
  }
  return { verdicts, calls: dissent.length > 0 ? 2 : 1 };
}
