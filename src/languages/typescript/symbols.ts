import ts from 'typescript';
import { collapseSignature, type SymbolDef } from '../symbol-def.js';
import { parseTsSource } from './discover.js';

type FunctionLike = ts.ArrowFunction | ts.FunctionExpression;

/** The function behind `x = (…) => …`, looking through parentheses, `as`, `satisfies`. */
function unwrapFunction(expr: ts.Expression | undefined): FunctionLike | ts.ClassExpression | undefined {
  let e = expr;
  while (e && (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e))) e = e.expression;
  if (e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e))) return e;
  return undefined;
}

class Collector {
  readonly defs: SymbolDef[] = [];
  constructor(private readonly sf: ts.SourceFile) {}

  private line(pos: number): number {
    return this.sf.getLineAndCharacterOfPosition(pos).line + 1;
  }

  /** Start of the header: after decorators, at the first modifier or keyword. */
  private headerStart(node: ts.Node): number {
    const decorators = ts.canHaveDecorators(node) ? ts.getDecorators(node) : undefined;
    const last = decorators?.[decorators.length - 1];
    if (!last) return node.getStart(this.sf);
    const text = this.sf.text;
    let pos = last.end;
    while (pos < text.length && /\s/.test(text[pos] as string)) pos += 1;
    return pos;
  }

  private add(name: string, kind: SymbolDef['kind'], node: ts.Node, headerEnd: number, headerFrom: ts.Node = node): void {
    const raw = this.sf.text.slice(this.headerStart(headerFrom), headerEnd).replace(/\s*=>\s*$/, '');
    this.defs.push({
      qualifiedName: name,
      kind,
      range: { start: this.line(node.getStart(this.sf)), end: this.line(node.getEnd()) },
      signature: collapseSignature(raw),
    });
  }

  private addClass(name: string, node: ts.ClassLikeDeclaration, rangeNode: ts.Node = node): void {
    this.add(name, 'class', rangeNode, node.members.pos - 1, rangeNode);
    for (const member of node.members) {
      const memberName = member.name && (ts.isIdentifier(member.name) || ts.isPrivateIdentifier(member.name) || ts.isStringLiteral(member.name)) ? member.name.text : undefined;
      if (ts.isConstructorDeclaration(member) && member.body) {
        this.add(`${name}.constructor`, 'method', member, member.body.getStart(this.sf));
      } else if ((ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member)) && member.body && memberName) {
        this.add(`${name}.${memberName}`, 'method', member, member.body.getStart(this.sf));
      } else if (ts.isSetAccessorDeclaration(member) && member.body && memberName) {
        this.add(`${name}.${memberName} (setter)`, 'method', member, member.body.getStart(this.sf));
      } else if (ts.isPropertyDeclaration(member) && memberName) {
        const fn = unwrapFunction(member.initializer);
        if (fn && !ts.isClassExpression(fn)) this.add(`${name}.${memberName}`, 'method', member, fn.body.getStart(this.sf));
      }
    }
  }

  private addVariable(decl: ts.VariableDeclaration, statement: ts.VariableStatement): void {
    if (!ts.isIdentifier(decl.name)) return;
    const fn = unwrapFunction(decl.initializer);
    if (!fn) return;
    const single = statement.declarationList.declarations.length === 1;
    const rangeNode = single ? statement : decl;
    if (ts.isClassExpression(fn)) {
      this.addClass(decl.name.text, fn, rangeNode);
      return;
    }
    this.add(decl.name.text, 'function', rangeNode, fn.body.getStart(this.sf), rangeNode);
  }

  /** `exports.x = function…` / `module.exports.x = …` (CommonJS). */
  private addExportsAssignment(stmt: ts.ExpressionStatement): void {
    const e = stmt.expression;
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    if (!ts.isPropertyAccessExpression(e.left)) return;
    const target = e.left.expression.getText(this.sf);
    if (target !== 'exports' && target !== 'module.exports') return;
    const fn = unwrapFunction(e.right);
    if (fn && !ts.isClassExpression(fn)) this.add(e.left.name.text, 'function', stmt, fn.body.getStart(this.sf));
  }

  visit(statement: ts.Statement): void {
    if (ts.isFunctionDeclaration(statement) && statement.body) {
      this.add(statement.name?.text ?? 'default', 'function', statement, statement.body.getStart(this.sf));
    } else if (ts.isClassDeclaration(statement)) {
      this.addClass(statement.name?.text ?? 'default', statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) this.addVariable(decl, statement);
    } else if (ts.isExportAssignment(statement)) {
      const fn = unwrapFunction(statement.expression);
      if (fn && !ts.isClassExpression(fn)) this.add('default', 'function', statement, fn.body.getStart(this.sf));
    } else if (ts.isExpressionStatement(statement)) {
      this.addExportsAssignment(statement);
    }
  }
}

/** Top-level functions, const-assigned function expressions, classes and their methods (TS compiler API). */
export function extractTypeScriptSymbols(source: string, path: string): SymbolDef[] {
  const sf = parseTsSource(path, source);
  const collector = new Collector(sf);
  for (const statement of sf.statements) collector.visit(statement);
  return collector.defs;
}
