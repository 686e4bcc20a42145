import type { LintFinding } from '../../report/types.js';
import { bracketContent, splitTopLevel, stringOf } from './discover-tokens.js';
import type { PyTestView, PyViewLine } from './discover-view.js';

/**
 * Flake-risk lint for one Python test function.
 *
 * | rule             | severity | why                                                              |
 * |------------------|----------|------------------------------------------------------------------|
 * | random-unseeded  | high     | `random.*` / `numpy.random.*` with no seed: a different run each time |
 * | clock-unfrozen   | high     | `datetime.now/utcnow/today`, `time.time()` with no freezer          |
 * | network          | high     | socket / requests / urllib / httpx / aiohttp with no mock: the sandbox has no network |
 * | secret-env       | high     | reads a TOKEN/KEY/SECRET-like variable the test did not set itself |
 * | sleep            | medium   | `time.sleep` / `asyncio.sleep` with a non-zero delay: slow, timing-dependent |
 * | iteration-order  | medium   | asserts the order of dict keys/values/items or of a set            |
 *
 * High rejects a candidate at generation; medium flags it. Mitigations are looked for in the test,
 * its decorators (and its classes'), and every non-test line of the file (fixtures, setUp, module).
 */

const SECRET_NAME = /(TOKEN|SECRET|PASSW|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH)|(^|_)KEY($|_)/i;

interface Rule {
  rule: string;
  severity: LintFinding['severity'];
  /** Pattern of a risky use, matched on masked, qualified code. */
  use: RegExp;
  /** Pattern of a mitigation, matched on plain code of the test and its surroundings. */
  safe?: RegExp;
  message: string;
  /** A matched line that is harmless after all (e.g. a zero delay). */
  harmless?: (line: PyViewLine) => boolean;
}

const RANDOM_FNS = 'random|randint|randrange|choice|choices|shuffle|sample|uniform|gauss|getrandbits|triangular|normalvariate|expovariate|betavariate|randbytes';
const NP_RANDOM_FNS = 'rand|randn|randint|random|random_sample|choice|shuffle|permutation|normal|uniform|integers';

const RULES: Rule[] = [
  {
    rule: 'random-unseeded',
    severity: 'high',
    use: new RegExp(`\\b(?:random\\.(?:${RANDOM_FNS})\\(|random\\.Random\\(\\s*\\)|numpy\\.random\\.(?:${NP_RANDOM_FNS})\\(|numpy\\.random\\.default_rng\\(\\s*\\))`),
    safe: /\b(?:random\.seed\(|numpy\.random\.seed\(|Faker\.seed\(|seed_instance\(|@(?:hypothesis\.)?seed\()|\brandomly_seed\b|(?:patch|setattr)\b.*random/,
    message: 'uses random numbers without a seed (random.seed(...) or random.Random(seed))',
  },
  {
    rule: 'clock-unfrozen',
    severity: 'high',
    use: /\b(?:datetime\.(?:datetime|date)\.(?:now|utcnow|today)\(|time\.time(?:_ns)?\(\))/,
    safe: /\b(?:freeze_time|freezegun|time_machine|travel\(|frozen_time)|(?:patch|setattr)\b.*\b(?:datetime|time|now|utcnow|today)\b/,
    message: 'reads the wall clock without a freezer (freezegun freeze_time, time_machine, or monkeypatch)',
  },
  {
    rule: 'network',
    severity: 'high',
    use: /\b(?:socket\.(?:socket|create_connection|getaddrinfo|gethostbyname|create_server)\(|requests\.(?:get|post|put|patch|delete|head|options|request|Session)\(|urllib\.request\.(?:urlopen|urlretrieve|Request)\(|httpx\.(?:get|post|put|patch|delete|head|options|request|stream|Client|AsyncClient)\(|http\.client\.HTTPS?Connection\(|aiohttp\.ClientSession\()/,
    safe: /\b(?:responses|requests_mock|respx|httpretty|httpx_mock|MockTransport|ASGITransport|WSGITransport)\b|(?:patch|setattr)\b.*\b(?:requests|httpx|urlopen|urllib|socket|aiohttp)\b/,
    message: 'uses the network (no mock in sight); the sandbox has none and results would depend on a server',
    harmless: (l) => /\bhttpx\.(?:Async)?Client\((?=[^)]*\b(?:transport|app)\s*=)/.test(l.code),
  },
  {
    rule: 'sleep',
    severity: 'medium',
    use: /\b(?:time\.sleep|asyncio\.sleep)\(/,
    safe: /(?:patch|setattr)\b.*\bsleep\b/,
    message: 'sleeps: slow and timing-dependent; wait on a condition or patch the clock',
    harmless: (l) => {
      const m = /\b(?:time\.sleep|asyncio\.sleep)(\()/.exec(l.code);
      const arg = m ? bracketContent(l.code, m.index + m[0].length - 1) : undefined;
      return arg !== undefined && /^0*(?:\.0*)?$/.test(arg.trim());
    },
  },
];

function findingsForRules(view: PyTestView): LintFinding[] {
  const out: LintFinding[] = [];
  // Import lines do not mitigate anything: `from freezegun import freeze_time` freezes nothing.
  const mitigation = [...view.body, ...view.around]
    .filter((l) => !/^(?:from|import) /.test(l.code))
    .map((l) => l.plain)
    .join('\n');
  for (const r of RULES) {
    if (r.safe?.test(mitigation)) continue;
    const hit = view.body.find((l) => r.use.test(l.code) && !(r.harmless?.(l) ?? false));
    if (hit) out.push({ rule: r.rule, severity: r.severity, message: r.message, line: hit.line });
  }
  return out;
}

const ENV_READ = /\bos\.(?:environ\[\s*(__s\d+__)\s*\](?!\s*=[^=])|environ\.get\(\s*(__s\d+__)|getenv\(\s*(__s\d+__))/g;

function secretEnvReads(view: PyTestView): LintFinding[] {
  const out: LintFinding[] = [];
  const surroundings = [...view.body, ...view.around].map((l) => l.plain);
  for (const l of view.body) {
    for (const m of l.code.matchAll(ENV_READ)) {
      const name = stringOf(view.source, (m[1] ?? m[2] ?? m[3]) as string) ?? '';
      if (!SECRET_NAME.test(name)) continue;
      const quoted = new RegExp(`["']${name.replace(/\W/g, '\\$&')}["']`);
      const setByTest = surroundings.some((p) => quoted.test(p) && /(?:setenv\(|patch\.dict\(|environ\[[^\]]*\]\s*=[^=]|environ\.update\()/.test(p));
      if (!setByTest) out.push({ rule: 'secret-env', severity: 'high', message: `reads the secret-like environment variable ${name} from the process environment`, line: l.line });
    }
  }
  return out.slice(0, 1);
}

const ORDERED_LITERAL = /^[[(]/;
const DICT_VIEW = /^(?:list|tuple)\((.+)\.(?:keys|values|items)\(\)\)$/;
const SET_EXPR = /^(?:set|frozenset)\(|^\{(?![^}]*:)/;

/** Local names assigned a set in the test or around it. */
function setNames(view: PyTestView): Set<string> {
  const names = new Set<string>();
  for (const l of [...view.around, ...view.body]) {
    const m = /^(\w+)\s*(?::[^=]+)?=\s*(.+)$/.exec(l.code);
    if (m && SET_EXPR.test((m[2] as string).trim())) names.add(m[1] as string);
  }
  return names;
}

/** The pairs an assertion compares: `assert a == b` and `self.assertEqual(a, b)` (and friends). */
export function comparedPairs(code: string): Array<[string, string]> {
  const assertStmt = /^assert (.+)$/.exec(code);
  if (assertStmt) {
    let expr = splitTopLevel(assertStmt[1] as string, ',')[0] as string;
    while (expr.startsWith('(') && bracketContent(expr, 0) === expr.slice(1, -1)) expr = expr.slice(1, -1).trim();
    for (const op of ['==', '!=']) {
      const parts = splitTopLevel(expr, op);
      if (parts.length === 2) return [[parts[0] as string, parts[1] as string]];
    }
    return [];
  }
  const m = /\bself\.assert(?:Equal|Equals|NotEqual|ListEqual|TupleEqual|SequenceEqual|DictEqual|SetEqual|CountEqual|AlmostEqual)(\()/.exec(code);
  if (m) {
    const args = splitTopLevel(bracketContent(code, m.index + m[0].length - 1) ?? '', ',');
    if (args.length >= 2) return [[args[0] as string, args[1] as string]];
  }
  return [];
}

function iterationOrder(view: PyTestView): LintFinding[] {
  const sets = setNames(view);
  for (const l of view.body) {
    for (const [a, b] of comparedPairs(l.code)) {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        if (!ORDERED_LITERAL.test(y)) continue;
        const inner = /^(?:list|tuple)\((.+)\)$/.exec(x)?.[1]?.trim();
        if (inner === undefined) continue;
        const dictView = DICT_VIEW.test(x);
        const setIter = SET_EXPR.test(inner) || sets.has(inner);
        if (dictView || setIter) {
          const what = dictView ? 'dict iteration order' : 'set iteration order';
          return [{ rule: 'iteration-order', severity: 'medium', message: `asserts ${what}; compare sorted values or the collection itself`, line: l.line }];
        }
      }
    }
  }
  return [];
}

export function lintPythonTest(view: PyTestView): LintFinding[] {
  return [...findingsForRules(view), ...secretEnvReads(view), ...iterationOrder(view)];
}
