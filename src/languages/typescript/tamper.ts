import ts from 'typescript';
import type { LintFinding } from '../../report/types.js';
import { walkNodes } from './discover.js';

/**
 * The first line of defence against a TS/JS candidate that forges its own grade (README "Threat
 * model"): a test file that reaches for the grader (its runtime folder, its globals, its event and
 * hit files), the module loader, the process it runs in, or the source of the code under test is
 * rejected. One rule, `tampers-with-grader` (high), reported on the file: every test of the file
 * is rejected. Mocking other modules (`vi.mock('./mailer')`), literal imports and `fs` reads of
 * data files stay allowed. A static rule can be dodged; the grader authenticates its event lines
 * (runtime/support/vitest-reporter.mjs) and freezes its globals as a second line.
 */

export const TAMPER_RULE = 'tampers-with-grader';

/** A specifier or path that names the grader: `/opt/tfactory/...`, `.tfactory/reporter.mjs`, `tfactory_rt`. */
const GRADER_NAME = /(?:^|[/\\._-])tfactory(?:$|[/\\._-])/i;
/** Test-framework internals whose mock would rewrite what a run reports. */
const FRAMEWORK_MODULE = /^(?:vitest(?:\/.*)?|@vitest\/.+|vite-node(?:\/.*)?|jest-circus(?:\/.*)?|@jest\/.+|jest-runner|jest-runtime|expect|@vitest\/expect|chai)$/;
/** Globals and environment variables of the grader and the framework's runtime state. */
const GRADER_GLOBAL = /^(?:__tf|__TFACTORY|__vitest_|__VITEST_|__jest|__JEST)/;
const GRADER_ENV = /^(?:TF_EVENTS|TF_HITS|TF_INCLUDE|TF_SEED|TF_TEST_TIMEOUT|TF_EVENTS_KEY|TFACTORY\w*|VITEST_POOL_ID|VITEST_WORKER_ID)$/;
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?)(?:$|['"`?#])/;
const LOADER_PROPS = new Set(['_load', '_resolveFilename', '_compile', '_extensions', '_cache', '_pathCache', 'wrap', 'wrapper']);
const PROCESS_CONTROL = new Set(['exit', 'reallyExit', 'kill', 'abort', 'binding', '_linkedBinding', 'dlopen', 'send', 'disconnect', 'channel', '_channel', 'mainModule', 'setUncaughtExceptionCaptureCallback', '_rawDebug']);
const PROCESS_EVENTS = /^(?:exit|beforeExit|message|disconnect|uncaughtException|unhandledRejection|SIG[A-Z0-9]+)$/;
const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'emit']);
const READERS = new Set(['readFileSync', 'readFile', 'createReadStream', 'openSync', 'open', 'readSync']);

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/** The text of a string-like literal (plain string or substitution-free template), else undefined. */
function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

/** `a.b.c` for an identifier/property chain (`this`, calls and elements break it). */
function dotted(expr: ts.Expression): string {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) {
    const left = dotted(expr.expression);
    return left ? `${left}.${expr.name.text}` : '';
  }
  if (ts.isElementAccessExpression(expr)) {
    const left = dotted(expr.expression);
    const key = literalText(expr.argumentExpression);
    return left && key !== undefined ? `${left}.${key}` : '';
  }
  if (ts.isParenthesizedExpression(expr) || ts.isNonNullExpression(expr) || ts.isAsExpression(expr)) return dotted(expr.expression);
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isMetaProperty(expr)) return `import.meta.${expr.name.text}`;
  return '';
}

/** What an expression names as a property: `x.y` → y, `x['y']` → y. */
function propertyName(node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node)) return literalText(node.argumentExpression);
  return undefined;
}

function objectOf(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string {
  return dotted(node.expression).replace(/^(?:globalThis|global|window|self)\./, '');
}

function checkModuleSpecifier(spec: ts.Expression | undefined, what: string): string | undefined {
  const text = literalText(spec);
  if (text === undefined) return `${what} a module whose name is computed`;
  if (GRADER_NAME.test(text)) return `${what} the grader's file ${text}`;
  return undefined;
}

function checkCall(call: ts.CallExpression): string | undefined {
  const callee = dotted(call.expression);
  const first = call.arguments[0];
  if (call.expression.kind === ts.SyntaxKind.ImportKeyword) return checkModuleSpecifier(first, 'imports');
  if (callee === 'require' || callee === 'module.require') return checkModuleSpecifier(first, 'requires');
  if (/^(?:vi|jest)\.(?:mock|doMock|unmock|importActual|importMock|requireActual|requireMock|setMock)$/.test(callee)) {
    const spec = literalText(first);
    if (spec !== undefined && FRAMEWORK_MODULE.test(spec)) return `mocks the test framework itself (${spec})`;
    if (spec !== undefined && GRADER_NAME.test(spec)) return `mocks the grader's file ${spec}`;
    if (spec === undefined && first !== undefined) return `${callee} of a module whose name is computed`;
  }
  if (/^(?:vi|jest)\.stubEnv$/.test(callee) && literalText(first) !== undefined && GRADER_ENV.test(literalText(first) as string)) return `overrides the grader's variable ${literalText(first) as string}`;
  if (/^(?:vi|jest)\.stubGlobal$/.test(callee) && literalText(first) !== undefined && GRADER_GLOBAL.test(literalText(first) as string)) return `overrides the grader's global ${literalText(first) as string}`;
  if (/^(?:globalThis\.|global\.|window\.)?(?:eval|Function)$/.test(callee)) return 'runs code built at run time (eval / Function)';
  const last = callee.split('.').pop() ?? '';
  if (READERS.has(last)) {
    const text = first ? first.getText() : '';
    if (SOURCE_FILE.test(text)) return `reads source code (${last}): how a planted mutant is noticed`;
  }
  if (/^(?:process|globalThis\.process)\./.test(callee)) {
    const method = callee.split('.').pop() ?? '';
    const event = literalText(first);
    if (LISTEN.has(method) && event !== undefined && PROCESS_EVENTS.test(event)) return `listens to or raises the process event '${event}'`;
  }
  return undefined;
}

function checkAccess(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  const prop = propertyName(node);
  const obj = objectOf(node);
  if (prop === undefined) {
    if (ts.isElementAccessExpression(node) && /^(?:globalThis|global)$/.test(dotted(node.expression))) {
      return `reads ${dotted(node.expression)} by a computed key`;
    }
    return undefined;
  }
  if (prop === 'cache' && /^(?:require|module\.require)$/.test(obj)) return 'touches require.cache (the loaded modules the grader runs on)';
  if (LOADER_PROPS.has(prop) && /(?:^|\.)(?:Module|module|constructor)$/.test(obj)) return `patches the module loader (${obj}.${prop})`;
  if (prop === 'constructor' && obj === 'module') return 'reaches the module loader (module.constructor)';
  if (PROCESS_CONTROL.has(prop) && obj === 'process') return `controls the process (process.${prop})`;
  if (GRADER_ENV.test(prop) && /^(?:process\.env|import\.meta\.env)$/.test(obj)) return `reads the grader's variable ${prop}`;
  if (GRADER_GLOBAL.test(prop)) return `touches the grader's global ${prop}`;
  if (prop === 'parentPort' || prop === 'workerData') return `talks to the test runner's parent (${prop})`;
  return undefined;
}

/**
 * Every tampering finding of one TS/JS test file (file level: the whole file is rejected), at most
 * one per line, in line order.
 */
export function checkTsTampering(sf: ts.SourceFile): LintFinding[] {
  const byLine = new Map<number, string[]>();
  const add = (node: ts.Node, what: string | undefined): void => {
    if (!what) return;
    const line = lineOf(sf, node);
    byLine.set(line, [...(byLine.get(line) ?? []), what]);
  };
  walkNodes(sf, (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      const spec = literalText(node.moduleSpecifier);
      if (spec !== undefined && GRADER_NAME.test(spec)) add(node, `imports the grader's file ${spec}`);
      if (spec !== undefined && /^(?:node:)?(?:inspector|worker_threads|v8|vm)$/.test(spec) && ts.isImportDeclaration(node)) add(node, `imports ${spec}, which reaches the runner's process or engine`);
      if (spec !== undefined && /^(?:node:)?module$/.test(spec)) add(node, 'imports the module loader (node:module)');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, checkModuleSpecifier(node.moduleReference.expression, 'requires'));
    } else if (ts.isCallExpression(node)) {
      add(node, checkCall(node));
    } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      add(node, checkAccess(node));
    } else if (ts.isNewExpression(node) && /^(?:globalThis\.|global\.)?Function$/.test(dotted(node.expression))) {
      add(node, 'runs code built at run time (new Function)');
    } else if (ts.isIdentifier(node) && GRADER_GLOBAL.test(node.text) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      add(node, `touches the grader's global ${node.text}`);
    } else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && !/\s/.test(node.text) && GRADER_NAME.test(node.text)
      && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
      add(node, `names the grader (${node.text})`);
    }
  });
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, whats]) => ({ rule: TAMPER_RULE, severity: 'high' as const, message: `tampers with the grader: ${[...new Set(whats)].join('; ')}`, line }));
}
