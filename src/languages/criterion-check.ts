import type { LintFinding } from '../report/types.js';
import type { AcceptanceCriterion } from '../criteria/types.js';

/**
 * Criterion check: a number stated in an acceptance criterion ("10% discount", "at most three
 * retries", "returns 404", "within 30 seconds") should show up in what a test checks: as a literal
 * in the checked expression or in a local / parameter it uses. Per test and per cited criterion,
 * when NONE of the criterion's numbers appear, the test gets a medium `criterion-number` finding
 * (one number of several is enough: a test may cover one edge of a criterion).
 * Tolerances: 10% ↔ 10, 0.1, 0.9, 1.1, 90, 110; 30 seconds ↔ 30, 30000; 2 minutes ↔ 2, 120, 120000;
 * number words one…twelve ↔ digits; 1,000 and 1_000 ↔ 1000.
 */

export interface CriterionNumber {
  /** As written in the criterion (`10%`, `three`, `404`). */
  text: string;
  /** Values a test may use for it. */
  values: number[];
}

const WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  twice: 2, thrice: 3, dozen: 12, hundred: 100, thousand: 1000,
};

const UNIT_FACTORS: Array<[RegExp, number[]]> = [
  [/^(?:ms|milliseconds?)\b/i, [0.001]],
  [/^(?:s|secs?|seconds?)\b/i, [1000]],
  [/^(?:m|mins?|minutes?)\b/i, [60, 60_000]],
  [/^(?:h|hrs?|hours?)\b/i, [60, 3600, 3_600_000]],
  [/^(?:days?)\b/i, [24, 86_400, 86_400_000]],
];

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}

/** The numbers an acceptance criterion states, with the spellings a test may use for each. */
export function extractCriterionNumbers(text: string): CriterionNumber[] {
  const cleaned = text.replace(/\bAC[#-]?\s?\d+\b/gi, ' ').replace(/\b[vV]?\d+\.\d+\.\d+\b/g, ' ');
  const out: CriterionNumber[] = [];
  const re = /(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s*(?:%|percent\b))?|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twice|thrice|dozen)\b/gi;
  for (const m of cleaned.matchAll(re)) {
    const word = m[3]?.toLowerCase();
    const n = word ? (WORDS[word] as number) : Number((m[1] as string).replace(/,/g, ''));
    const values = new Set<number>([n]);
    if (m[2]) {
      for (const v of [n / 100, 1 - n / 100, 1 + n / 100, 100 - n, 100 + n]) values.add(round(v));
    } else {
      const rest = cleaned.slice((m.index ?? 0) + m[0].length).trimStart();
      for (const [unit, factors] of UNIT_FACTORS) if (unit.test(rest)) for (const f of factors) values.add(round(n * f));
    }
    out.push({ text: m[0].trim(), values: [...values] });
  }
  return out;
}

/** Every numeric literal in a piece of test code (Python or TS/JS), strings included. */
export function numbersInCode(code: string): Set<number> {
  const out = new Set<number>();
  for (const m of code.matchAll(/(?<![\w.])(\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][-+]?\d+)?|\.\d+)(?![\w])/g)) {
    const n = Number((m[1] as string).replace(/_/g, ''));
    if (Number.isFinite(n)) out.add(round(n));
  }
  return out;
}

/**
 * Findings for one test: `assertedText` is what its checks rest on (see the language modules'
 * `*AssertedText`). Criteria without numbers are skipped; so is a test with no checks at all.
 */
export function checkCriterionNumbers(assertedText: string, acs: AcceptanceCriterion[], line: number): LintFinding[] {
  if (assertedText.trim() === '') return [];
  const present = numbersInCode(assertedText);
  const out: LintFinding[] = [];
  for (const ac of acs) {
    const numbers = extractCriterionNumbers(ac.text);
    if (numbers.length === 0) continue;
    const hit = numbers.some((num) => num.values.some((v) => present.has(round(v))));
    if (!hit) {
      out.push({
        rule: 'criterion-number',
        severity: 'medium',
        message: `${ac.id} states ${numbers.map((n) => n.text).join(', ')} but none of these appear in the test's checks`,
        line,
      });
    }
  }
  return out;
}
