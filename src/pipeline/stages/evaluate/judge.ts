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

/** A test of a batch, named `path::name` in the prompt and the answer (names alone repeat across files). */
interface BatchTest {
  key: string;
  acIds: string[];
}

const keyOf = (path: string, name: string): string => `${path}::${name}`;

function judgePrompt(files: FileJudgeInput[], tests: BatchTest[], reading: 'first' | 'second'): string {
  const wanted = new Set(tests.map((t) => t.key));
  const shown = files.filter((f) => f.tests.some((t) => wanted.has(keyOf(f.path, t.name))));
  return [
    ...shown.flatMap((f) => [`## Test file \`${f.path}\``, '', '```', f.content.trimEnd(), '```', '']),
    `## Tests to judge${reading === 'second' ? ' (a second reading)' : ''}`,
    ...tests.map((t) => `- \`${t.key}\` claims ${t.acIds.join(', ') || 'no AC (judge it against the whole spec)'}`),
    '',
    'For each listed test (named `file::test`): does it check behaviour that the acceptance criteria it claims ask for, in the changed code? Answer as JSON.',
  ].join('\n');
}

/** Characters of test files one judge call may carry (about 12k tokens); a run's files are split into calls only past it. */
export const JUDGE_BATCH_CHARS = 48_000;

/** Groups files, in order, into batches of at most `budget` characters of file content (a bigger file goes alone). */
export function batchFiles<T extends { content: string }>(files: T[], budget = JUDGE_BATCH_CHARS): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const f of files) {
    if (current.length > 0 && size + f.content.length > budget) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(f);
    size += f.content.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface BatchJudgement {
  /** Test file path → test name → its judge signal; a test the model left out of its answer is absent. */
  verdicts: Map<string, Map<string, JudgeSignal>>;
  /** Model calls made: one per batch, plus one per batch with dissent. */
  calls: number;
}

/**
 * The LLM relevance judge over a run's test files: all the listed tests of as many files as fit
 * JUDGE_BATCH_CHARS are judged in one answer, seeing the whole files and the changed code. Tests
 * the first reading finds not relevant get a second opinion (one more call for all of them in the
 * batch); a test is flagged only when both readings dissent. So a run whose tests all convince
 * usually costs one judge call. A batch whose call fails leaves its tests unjudged (the error is thrown
 * for the caller to note only when `onError` is absent).
 */
export async function judgeFiles(
  llm: LlmPort,
  files: Array<Omit<FileJudgeInput, 'sharedContext'>>,
  sharedContext: string[],
  opts: { signal?: AbortSignal; budget?: number; onError?: (batch: Array<Omit<FileJudgeInput, 'sharedContext'>>, err: unknown) => void } = {},
): Promise<BatchJudgement> {
  const prompt = loadPrompt('judge');
  const verdicts = new Map<string, Map<string, JudgeSignal>>();
  let calls = 0;
  for (const batch of batchFiles(files.filter((f) => f.tests.length > 0), opts.budget)) {
    const inputs = batch.map((f) => ({ ...f, sharedContext }));
    const all: BatchTest[] = batch.flatMap((f) => f.tests.map((t) => ({ key: keyOf(f.path, t.name), acIds: t.acIds })));
    const ask = async (tests: BatchTest[], reading: 'first' | 'second') => {
      calls++;
      const res = await llm.complete({
        purpose: 'judge',
        system: prompt.text,
        sharedContext,
        prompt: judgePrompt(inputs, tests, reading),
        schema: judgeOutput,
        schemaName: 'relevance_verdicts',
        maxTokens: 300 + 200 * tests.length,
        temperature: reading === 'first' ? 0 : 1,
      }, opts.signal);
      // An answer names a test `file::test` as listed, or by its bare name when that is unique in the batch.
      const byName = new Map<string, string | null>();
      for (const t of tests) {
        byName.set(t.key, t.key);
        const bare = t.key.slice(t.key.lastIndexOf('::') + 2);
        byName.set(bare, byName.has(bare) && byName.get(bare) !== t.key ? null : t.key);
      }
      const out = new Map<string, { relevant: boolean; rationale: string }>();
      for (const a of res.value.tests) {
        const key = byName.get(a.name);
        if (key && !out.has(key)) out.set(key, a);
      }
      return out;
    };
    try {
      const first = await ask(all, 'first');
      const dissent = all.filter((t) => first.get(t.key)?.relevant === false);
      const second = dissent.length > 0 ? await ask(dissent, 'second') : new Map<string, { relevant: boolean; rationale: string }>();
      for (const f of batch) {
        const mine = new Map<string, JudgeSignal>();
        for (const t of f.tests) {
          const key = keyOf(f.path, t.name);
          const a = first.get(key);
          if (!a) continue;
          const b = second.get(key);
          const answers = b ? [a, b] : [a];
          const votes = answers.filter((x) => x.relevant).length;
          const relevant = votes > 0;
          mine.set(t.name, { relevant, votes, of: answers.length, ...(relevant ? {} : { rationale: a.rationale }) });
        }
        verdicts.set(f.path, mine);
      }
    } catch (err) {
      if (opts.signal?.aborted || !opts.onError) throw err;
      opts.onError(batch, err);
    }
  }
  return { verdicts, calls };
}
