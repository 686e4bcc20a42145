import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlmRequest } from '../../src/llm/port.js';
import { DEMO_REPO_SOURCE } from '../../src/cli/commands/demo.js';
import { createScriptedLlm, type ScriptedLlm } from '../fakes/scripted-llm.js';

/**
 * The model of the demo, scripted like a good model from fixtures/repos/demo-shop/model-answers.md:
 * the planner proposes one subtask per AC on the changed function, the generator writes the file
 * given there for the subtask's AC (for an AC answered twice, the hallucinated answer first and the
 * corrected one once the guard's rejection is in the prompt), and the judge finds every test relevant (one answer per test file).
 */

export interface ModelAnswer {
  content: string;
  summary: string;
}

export interface DemoAnswers {
  /** AC id → the answer; `first` is the one written before any rejection. */
  byAc: Map<string, { first: ModelAnswer; corrected?: ModelAnswer }>;
}

export const MODEL_ANSWERS = join(DEMO_REPO_SOURCE, 'model-answers.md');
export const DEMO_TARGET = 'shop/shipping.py::shipping_cost';

/** The `## AC#n …` sections of model-answers.md with their summary and python block. */
export function readModelAnswers(file: string = MODEL_ANSWERS): DemoAnswers {
  const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const byAc = new Map<string, { first: ModelAnswer; corrected?: ModelAnswer }>();
  for (const section of text.split(/^## /m).slice(1)) {
    const heading = section.slice(0, section.indexOf('\n'));
    const ac = /^(AC#\d+)\b/.exec(heading)?.[1];
    if (!ac) continue;
    const summary = /^Summary:\s*(.+)$/m.exec(section)?.[1]?.trim();
    const code = /```python\n([\s\S]*?)\n```/.exec(section)?.[1];
    if (!summary || !code) throw new Error(`model-answers.md: section "${heading}" lacks a Summary line or a python block`);
    const answer = { content: `${code.trimEnd()}\n`, summary };
    const entry = byAc.get(ac);
    if (/corrected/i.test(heading)) {
      if (!entry) throw new Error(`model-answers.md: corrected answer for ${ac} before its first answer`);
      entry.corrected = answer;
    } else {
      if (entry) throw new Error(`model-answers.md: two first answers for ${ac}`);
      byAc.set(ac, { first: answer });
    }
  }
  if (byAc.size === 0) throw new Error('model-answers.md: no "## AC#n" section found');
  return { byAc };
}

/** What the planner says for each AC: the situation and the exact outcome, from the spec's words. */
const INTENTS: Record<string, { intent: string; rationale: string }> = {
  'AC#1': {
    intent: 'Domestic ("US") parcels: shipping_cost(1, "US") and shipping_cost(0.5, "US") return 5.0; shipping_cost(1.2, "US") returns 7.0 and shipping_cost(3, "US") returns 9.0 (2.00 per started extra kilogram).',
    rationale: 'Fails if the first-kilogram rate, the per-kilogram rate or the rounding up of started kilograms is wrong.',
  },
  'AC#2': {
    intent: 'shipping_cost(2, "US", subtotal=50) returns 0 (free from exactly 50) while shipping_cost(2, "US", subtotal=49.99) returns 7.0.',
    rationale: 'Pins the >= 50 boundary of free domestic shipping; fails if the threshold moves or becomes exclusive.',
  },
  'AC#3': {
    intent: 'shipping_cost(3, "DE") returns 18.0, double the domestic 9.0, also with subtotal=100 (never free); "us" in lower case is domestic: shipping_cost(1, "us") returns 5.0 and ships free from a subtotal of 50.',
    rationale: 'Fails if the international multiplier is dropped, if international orders ship free, or if country codes become case-sensitive.',
  },
  'AC#4': {
    intent: 'shipping_cost(0, "US") and shipping_cost(-1, "US") raise ValueError, while shipping_cost(0.1, "US") returns 5.0.',
    rationale: 'Fails if the weight check is removed or its bound becomes inclusive of small positive weights.',
  },
};

function planReply(answers: DemoAnswers) {
  return {
    subtasks: [...answers.byAc.keys()].map((ac) => ({
      target: DEMO_TARGET, acIds: [ac], lane: 'unit',
      intent: INTENTS[ac]?.intent ?? `shipping_cost behaves as ${ac} states, with the values it gives.`,
      rationale: INTENTS[ac]?.rationale ?? `Fails if the behaviour ${ac} describes breaks.`,
    })),
  };
}

/** The replan reply: the same subtask again, now asking for values stated in the spec only. */
function replanReply(prompt: string) {
  const id = /^### (\S+)/m.exec(prompt)?.[1] ?? 'S1';
  const ac = /- acIds: (AC#\d+)/.exec(prompt)?.[1] ?? 'AC#1';
  const base = INTENTS[ac] ?? { intent: `shipping_cost behaves as ${ac} states.`, rationale: `Fails if ${ac} breaks.` };
  return {
    subtasks: [{
      target: DEMO_TARGET, acIds: [ac], lane: 'unit', replaces: id,
      intent: `${base.intent} Use only names the module defines (shipping_cost) and the literal values of the spec.`,
      rationale: base.rationale,
    }],
  };
}

function generateReply(answers: DemoAnswers, prompt: string): ModelAnswer {
  const ac = /^- verifies: (AC#\d+)/m.exec(prompt)?.[1];
  const entry = ac ? answers.byAc.get(ac) : undefined;
  if (!entry) throw new Error(`good model: no answer for the subtask of this prompt (verifies ${ac ?? '?'})`);
  const rejectedBefore = prompt.includes('## Earlier tests for this behaviour were rejected');
  return rejectedBefore && entry.corrected ? entry.corrected : entry.first;
}

function judgeReply(req: LlmRequest<unknown>) {
  const file = /## Test file `([^`]+)`/.exec(req.prompt)?.[1] ?? 'the test file';
  const tests = [...req.prompt.matchAll(/^- `([^`]+)` claims (.*)$/gm)].map((m) => ({
    name: m[1] as string,
    relevant: true,
    rationale: `${file}::${m[1] as string} checks ${/AC#\d+/.test(m[2] ?? '') ? (m[2] as string) : 'the claimed AC'} with the exact values the criterion states, on the changed shipping_cost.`,
  }));
  return { tests };
}

/** Answers every request of the demo run as a good model would; one function, so call order does not matter. */
export function replyAsGoodModel(answers: DemoAnswers, req: LlmRequest<unknown>): unknown {
  switch (req.purpose) {
    case 'plan':
      return req.prompt.includes('## Task: replace rejected subtasks') ? replanReply(req.prompt) : planReply(answers);
    case 'generate':
      return generateReply(answers, req.prompt);
    case 'judge':
      return judgeReply(req);
    default:
      throw new Error(`good model: no scripted ${req.purpose} reply`);
  }
}

export function createGoodModel(answers: DemoAnswers = readModelAnswers()): ScriptedLlm {
  return createScriptedLlm((req) => replyAsGoodModel(answers, req), { model: 'scripted-good-model' });
}
