import ts from 'typescript';
import type { PrunedTestFile } from '../prune-types.js';
import { removeRanges } from '../prune-types.js';
import { analyseCallee, discoverTsFile, type TsTestUnit } from './discover.js';

const SUITE_NAMES = new Set(['describe', 'suite', 'context', 'fdescribe', 'xdescribe']);

/** The statement a test or suite call is (`it(...);`), or undefined when the call sits inside an expression. */
function statementOf(call: ts.CallExpression): ts.ExpressionStatement | undefined {
  return ts.isExpressionStatement(call.parent) ? call.parent : undefined;
}

/** The statement's text with the comments right above it and its line break, as a range to remove. */
function statementRange(stmt: ts.Statement, sf: ts.SourceFile, text: string): [number, number] {
  const comments = ts.getLeadingCommentRanges(text, stmt.getFullStart()) ?? [];
  let start = comments.length > 0 ? (comments[0] as ts.CommentRange).pos : stmt.getStart(sf);
  // From the start of its line, when only indentation is before it.
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(lineStart, start))) start = lineStart;
  let end = stmt.getEnd();
  const newline = text.indexOf('\n', end);
  if (newline >= 0 && /^[ \t]*$/.test(text.slice(end, newline))) end = newline + 1;
  return [start, end];
}

/**
 * A TS/JS test file with only the tests `keep` accepts (static names: `suite > title`) and
 * everything else it holds: imports, constants, helpers, `beforeEach` and other hooks. A removed
 * `it`/`test` takes the comments right above it; a `describe` whose every test goes is removed
 * whole (its hooks have nothing left to serve). Undefined when no test is kept, or when a test to
 * remove is not a statement of its own.
 */
export function pruneTsTestFile(path: string, content: string, keep: (name: string) => boolean): PrunedTestFile | undefined {
  const model = discoverTsFile(path, content);
  const kept = model.tests.filter((t) => keep(t.name));
  if (kept.length === 0) return undefined;
  const dropped = model.tests.filter((t) => !keep(t.name));
  const within = (node: ts.Node, t: TsTestUnit): boolean => t.call.getStart(model.sf) >= node.getStart(model.sf) && t.call.getEnd() <= node.getEnd();
  const ranges: Array<[number, number]> = [];
  const removedSuites: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = analyseCallee(node.expression);
      if (callee && SUITE_NAMES.has(callee.base)) {
        const inside = model.tests.filter((t) => within(node, t));
        const stmt = statementOf(node);
        if (inside.length > 0 && inside.every((t) => !keep(t.name)) && stmt) {
          ranges.push(statementRange(stmt, model.sf, content));
          removedSuites.push(node);
          return;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(model.sf);
  for (const t of dropped) {
    if (removedSuites.some((s) => within(s, t))) continue;
    const stmt = statementOf(t.call);
    if (!stmt) return undefined;
    ranges.push(statementRange(stmt, model.sf, content));
  }
  return { content: removeRanges(content, ranges, 1), kept: kept.map((t) => t.name), dropped: dropped.map((t) => t.name) };
}
