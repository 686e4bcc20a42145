import type { LintFinding } from '../report/types.js';
import type { AcceptanceCriterion } from '../criteria/types.js';

/**
 * Criterion check: a number stated in an acceptance criterion ("10% discount", "at most three
 * retries", "returns 404", "within 30 seconds") should show up in what a test checks: as a literal
 * in the checked expression or in a local / parameter it uses. Only the clause of the criterion
 * the test claims counts (a criterion is split at `;`, `,` before a new subject, sentences and
 * "and"/"but"; the claimed clause is the one sharing the most words with the test): a test of a
 * sort order is not asked for the 0 of another clause. When the claimed clause's numbers are all
 * absent, the finding is a hint (low) if the test checks some other value of the criterion, and
 * medium only when it checks none of the criterion's values (one number of several is enough: a
 * test may cover one edge of a clause). Version-like strings (v1.2, 3.11, Python 3, HTTP/1.1,
 * UTF-8, SHA-256, ES2020) are not numbers a test should check.
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

/** Criterion ids, versions and names with digits in them: none is a value a test should check. */
const NOT_VALUES: RegExp[] = [
  /\bAC[#-]?\s?\d+\b/gi,
  /\b[vV]\d+(?:\.\d+)*\b/g, // v1, v1.2, v1.2.3
  /\b\d+\.\d+\.\d+(?:[-+][\w.]+)?\b/g, // 1.2.3, 1.2.3-beta.1
  /\b(?:python|node(?:\.js)?|nodejs|java|ruby|php|typescript|ecmascript|version|release|rfc|iso|ipv|utf|sha|tls|ssl)[\s-]?\d+(?:\.\d+)*\b/gi,
  /\b(?:HTTP|TLS|SSL)\/\d+(?:\.\d+)?/gi, // HTTP/1.1, not the status codes after it
  /\b[A-Za-z]+\d+[A-Za-z\d]*\b/g, // identifiers with digits: utf8, es2020, h2, k8s
];

/** The numbers an acceptance criterion states, with the spellings a test may use for each. */
export function extractCriterionNumbers(text: string): CriterionNumber[] {
  const cleaned = NOT_VALUES.reduce((t, re) => t.replace(re, ' '), text);
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

const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'but', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'be', 'it', 'its', 'with', 'when', 'then', 'that', 'this', 'as', 'at', 'by', 'from', 'if', 'not', 'no', 'all', 'any', 'each', 'must', 'should', 'shall', 'will', 'can', 'returns', 'return', 'gets', 'get', 'assert', 'expect', 'tobe', 'toequal', 'equal', 'self', 'test', 'true', 'false', 'none', 'null', 'undefined']);

/** Lower-case words of prose or code (snake_case and camelCase split, a plural or -ed/-ing ending dropped). */
function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z]+/)) {
    if (raw.length < 3 || STOP.has(raw)) continue;
    out.add(raw.replace(/(?:ing|ed|es|s)$/, '') || raw);
  }
  return out;
}

/** A criterion's clauses: sentences, `;`, and "and"/"but"/", " where a new statement starts. */
export function splitClauses(text: string): string[] {
  return text
    .split(/(?<=[.;!?])\s+|;\s*|,\s+(?:and|but|while|whereas)\s+|\s+(?:and|but)\s+(?=(?:the|a|an|it|its|each|every|an?y|no|empty|unknown|invalid|[a-z_]+\(\))\b)/i)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

/**
 * The clauses a test claims: those sharing the most words with its checks (and its name, when
 * given); every clause when none shares a word (nothing to go by).
 */
function claimedClauses(clauses: string[], claim: string): string[] {
  if (clauses.length <= 1) return clauses;
  const mine = words(claim);
  const scores = clauses.map((c) => [...words(c)].filter((w) => mine.has(w)).length);
  const best = Math.max(...scores);
  return best === 0 ? clauses : clauses.filter((_, i) => scores[i] === best);
}

/**
 * Findings for one test: `assertedText` is what its checks rest on (see the language modules'
 * `*AssertedText`); `claim` adds the test's name (or whole source) to decide which clause of each
 * criterion it claims. Criteria without numbers are skipped; so is a test with no checks at all.
 */
export function checkCriterionNumbers(assertedText: string, acs: AcceptanceCriterion[], line: number, claim = ''): LintFinding[] {
  if (assertedText.trim() === '') return [];
  const present = numbersInCode(assertedText);
  const checks = (nums: CriterionNumber[]): boolean => nums.some((num) => num.values.some((v) => present.has(round(v))));
  const out: LintFinding[] = [];
  for (const ac of acs) {
    const all = extractCriterionNumbers(ac.text);
    if (all.length === 0) continue;
    const claimed = claimedClauses(splitClauses(ac.text), `${assertedText}\n${claim}`).flatMap((c) => extractCriterionNumbers(c));
    if (claimed.length === 0 || checks(claimed)) continue;
    const anyOfCriterion = checks(all);
    out.push({
      rule: 'criterion-number',
      severity: anyOfCriterion ? 'low' : 'medium',
      message: `${ac.id} states ${claimed.map((n) => n.text).join(', ')} but none of these appear in the test's checks`,
      line,
    });
  }
  return out;
}
