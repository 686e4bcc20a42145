import ts from 'typescript';
import type { LintFinding } from '../../report/types.js';
import { callsAround, walkNodes, type TsFileModel, type TsTestUnit } from './discover.js';

/**
 * Flake-risk lint for one TS/JS test (vitest / jest).
 *
 * | rule            | severity | why                                                                      |
 * |-----------------|----------|--------------------------------------------------------------------------|
 * | random-unseeded | high     | `Math.random()` not stubbed (vi.spyOn(Math, 'random') / seedrandom)        |
 * | clock-unfrozen  | high     | `Date.now()` / `new Date()` without vi/jest.useFakeTimers or setSystemTime |
 * | network         | high     | `fetch`, `http(s).get/request`, axios, `net.connect`, WebSocket, no mock    |
 * | secret-env      | high     | reads `process.env.<TOKEN/KEY/SECRET-like>` the test did not set itself    |
 * | sleep           | medium   | `setTimeout` / `setInterval` with a literal non-zero delay, no fake timers |
 *
 * Dict/set order is not a rule here: JS objects and Sets iterate in a defined order.
 * Mitigations are looked for in the test and every call outside the other tests (hooks, module).
 */

const SECRET_NAME = /(TOKEN|SECRET|PASSW|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH)|(^|_)KEY($|_)/i;
const FAKE_TIMERS = /\b(?:vi|jest)\.(?:useFakeTimers|setSystemTime)\b|\bMockDate\b|\bspyOn\(\s*Date\b|\bsinon\.useFakeTimers\b|\bFakeTimers\b/;
const RANDOM_STUB = /\bspyOn\(\s*Math\s*,\s*['"`]random|\bseedrandom\b|\bMath\.random\s*=/;
const NETWORK_MOCK =
  /\b(?:nock|setupServer|setupWorker|fetchMock|MockAgent|mockFetch|msw)\b|stubGlobal\(\s*['"`]fetch|spyOn\(\s*(?:global|globalThis|window)\s*,\s*['"`]fetch|\b(?:vi|jest)\.mock\(\s*['"`](?:axios|node-fetch|undici|got|cross-fetch|isomorphic-fetch|(?:node:)?https?)['"`]/;

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function dotted(expr: ts.Expression): string {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return `${dotted(expr.expression)}.${expr.name.text}`;
  return '';
}

function isNetworkCall(callee: string): boolean {
  return (
    /^(?:globalThis\.|window\.|global\.)?fetch$/.test(callee) ||
    /^(?:https?|node:https?)\.(?:get|request)$/.test(callee) ||
    /^https?\.(?:get|request)$/.test(callee) ||
    /^axios(?:\.(?:get|post|put|patch|delete|head|request|create))?$/.test(callee) ||
    /^net\.(?:connect|createConnection)$/.test(callee) ||
    callee === 'got'
  );
}

/** Literal delay of a `setTimeout(fn, 100)` call, or undefined. */
function literalDelay(call: ts.CallExpression): number | undefined {
  const d = call.arguments[1];
  return d && ts.isNumericLiteral(d) ? Number(d.text) : undefined;
}

function envName(node: ts.Node): { name: string; node: ts.Node } | undefined {
  if (ts.isPropertyAccessExpression(node) && dotted(node.expression) === 'process.env') return { name: node.name.text, node };
  if (ts.isElementAccessExpression(node) && dotted(node.expression) === 'process.env' && ts.isStringLiteralLike(node.argumentExpression)) {
    return { name: node.argumentExpression.text, node };
  }
  return undefined;
}

function isAssignmentTarget(node: ts.Node): boolean {
  const p = node.parent;
  return ts.isBinaryExpression(p) && p.left === node && p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

export function lintTsTest(model: TsFileModel, unit: TsTestUnit): LintFinding[] {
  const { sf } = model;
  const around = callsAround(model, unit).map((c) => c.getText(sf)).join('\n');
  const envSets = new Set<string>();
  walkNodes(sf, (n) => {
    const e = envName(n);
    if (e && isAssignmentTarget(n)) envSets.add(e.name);
    if (ts.isCallExpression(n) && dotted(n.expression).endsWith('stubEnv') && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) envSets.add(n.arguments[0].text);
  });
  const found = new Map<string, LintFinding>();
  const add = (rule: string, severity: LintFinding['severity'], message: string, node: ts.Node): void => {
    if (!found.has(rule)) found.set(rule, { rule, severity, message, line: lineOf(sf, node) });
  };
  if (!unit.body) return [];
  walkNodes(unit.body, (n) => {
    if (ts.isCallExpression(n)) {
      const callee = dotted(n.expression);
      if (callee === 'Math.random' && !RANDOM_STUB.test(around)) add('random-unseeded', 'high', 'uses Math.random() without a stub or seed', n);
      if (callee === 'Date.now' && !FAKE_TIMERS.test(around)) add('clock-unfrozen', 'high', 'reads the clock (Date.now()) without vi.useFakeTimers / vi.setSystemTime', n);
      if (/^(?:globalThis\.|window\.)?(?:setTimeout|setInterval)$/.test(callee) && (literalDelay(n) ?? 0) > 0 && !FAKE_TIMERS.test(around)) {
        add('sleep', 'medium', 'waits on a real timer with a literal delay; use fake timers', n);
      }
      if (isNetworkCall(callee) && !NETWORK_MOCK.test(around)) add('network', 'high', `uses the network (${callee}) with no mock; the sandbox has none`, n);
    }
    if (ts.isNewExpression(n)) {
      const callee = dotted(n.expression);
      if (callee === 'Date' && (n.arguments?.length ?? 0) === 0 && !FAKE_TIMERS.test(around)) {
        add('clock-unfrozen', 'high', 'reads the clock (new Date()) without vi.useFakeTimers / vi.setSystemTime', n);
      }
      if (callee === 'WebSocket' && !NETWORK_MOCK.test(around)) add('network', 'high', 'opens a WebSocket with no mock; the sandbox has no network', n);
    }
    const env = envName(n);
    if (env && SECRET_NAME.test(env.name) && !isAssignmentTarget(n) && !envSets.has(env.name)) {
      add('secret-env', 'high', `reads the secret-like environment variable ${env.name} from the process environment`, n);
    }
  });
  return [...found.values()];
}
