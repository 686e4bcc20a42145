import ts from 'typescript';

/**
 * Test discovery for TS/JS test files with the TypeScript compiler API: `it` / `test` calls (with
 * `.only`, `.skip`, `.concurrent`, `.each(table)` and tagged `.each`), nested in `describe` /
 * `suite` calls. A test's name is the describe path and its own title joined with ' > '.
 */

export interface TsTestUnit {
  name: string;
  line: number;
  endLine: number;
  call: ts.CallExpression;
  /** The test callback, when there is one (`it.todo` has none). */
  body: ts.FunctionLikeDeclaration | undefined;
  /** `.each` tables (arguments of `.each(...)` or the tagged template). */
  tables: ts.Node[];
}

export interface TsFileModel {
  sf: ts.SourceFile;
  tests: TsTestUnit[];
}

const TEST_NAMES = new Set(['it', 'test', 'fit', 'xit', 'xtest']);
const SUITE_NAMES = new Set(['describe', 'suite', 'context', 'fdescribe', 'xdescribe']);

interface Callee {
  base: string;
  tables: ts.Node[];
}

/** `it`, `it.only`, `it.each([...])`, `` it.each`...` `` → base name and each tables. */
export function analyseCallee(expr: ts.Expression): Callee | undefined {
  if (ts.isIdentifier(expr)) return { base: expr.text, tables: [] };
  if (ts.isPropertyAccessExpression(expr)) {
    return analyseCallee(expr.expression);
  }
  if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && expr.expression.name.text === 'each') {
    const inner = analyseCallee(expr.expression.expression);
    return inner ? { base: inner.base, tables: [...inner.tables, ...expr.arguments] } : undefined;
  }
  if (ts.isTaggedTemplateExpression(expr) && ts.isPropertyAccessExpression(expr.tag) && expr.tag.name.text === 'each') {
    const inner = analyseCallee(expr.tag.expression);
    return inner ? { base: inner.base, tables: [...inner.tables, expr.template] } : undefined;
  }
  return undefined;
}

/**
 * A test's or suite's title as written. A title computed at run time (a variable, a call, a
 * concatenation: tests made in a loop) is written `${<expression>}`, like a template's
 * placeholder, so matching takes it for "any title" (match-names.ts) and a reader sees it is not literal.
 */
export function titleOf(arg: ts.Expression | undefined, sf: ts.SourceFile): string {
  if (!arg) return '(anonymous)';
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) return arg.getText(sf).slice(1, -1);
  return `\${${arg.getText(sf)}}`;
}

function callbackOf(call: ts.CallExpression): ts.FunctionLikeDeclaration | undefined {
  return call.arguments.slice(1).find((a): a is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
}

export function scriptKindOf(path: string): ts.ScriptKind {
  if (/\.tsx$/i.test(path)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(path)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/i.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** The one TS/JS parse of the plug-in (symbols, discovery and checks all read this tree). */
export function parseTsSource(path: string, content: string): ts.SourceFile {
  return ts.createSourceFile(path, content, ts.ScriptTarget.Latest, true, scriptKindOf(path));
}

export function discoverTsFile(path: string, content: string): TsFileModel {
  const sf = parseTsSource(path, content);
  const tests: TsTestUnit[] = [];
  const visit = (node: ts.Node, suites: string[]): void => {
    if (ts.isCallExpression(node)) {
      const callee = analyseCallee(node.expression);
      if (callee && SUITE_NAMES.has(callee.base)) {
        const title = titleOf(node.arguments[0], sf);
        const cb = callbackOf(node);
        if (cb?.body) visit(cb.body, [...suites, title]);
        return;
      }
      if (callee && TEST_NAMES.has(callee.base) && node.arguments.length > 0) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
        tests.push({
          name: [...suites, titleOf(node.arguments[0], sf)].join(' > '),
          line: start,
          endLine: end,
          call: node,
          body: callbackOf(node),
          tables: callee.tables,
        });
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, suites));
  };
  visit(sf, []);
  return { sf, tests };
}

/** Syntax errors of the file (parse only), as `{ message, line }`. */
export function syntaxErrorsOf(path: string, content: string): Array<{ message: string; line: number }> {
  const out = ts.transpileModule(content, { fileName: path, reportDiagnostics: true, compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve } });
  return (out.diagnostics ?? []).map((d) => ({
    message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 1,
  }));
}

/** Every node under `root`, depth first (the root included). */
export function walkNodes(root: ts.Node, visit: (node: ts.Node) => void): void {
  visit(root);
  ts.forEachChild(root, (child) => walkNodes(child, visit));
}

/** Call expressions of the file that can affect `unit`: its own, and those outside every other test. */
export function callsAround(model: TsFileModel, unit: TsTestUnit): ts.CallExpression[] {
  const others = new Set(model.tests.filter((t) => t !== unit).map((t) => t.call));
  const out: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && others.has(node)) return;
    if (ts.isCallExpression(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  visit(model.sf);
  return out;
}
