// Instrumentation of one changed source file with the TypeScript compiler API (parse only; edits
// are made by AST positions so the rest of the file keeps its text). Two steps:
//   analyzeSource: find probe sites (statements in function bodies, arrow expression bodies), the
//                  executable changed lines they own, and the mutation candidates on changed lines;
//   emitInstrumented: rewrite the file with line-hit probes on the sites that own changed lines and
//                  mutant schemata for the selected candidates, plus a small prelude at the end.
import { mutantsForNode } from './mutate.mjs';

const TS_EXT = /\.(ts|tsx|mts|cts)$/;

function scriptKindOf(ts, fileName) {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (TS_EXT.test(fileName)) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

function hasFunctionBody(ts, node) {
  return (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)
    || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) && node.body !== undefined;
}

function isProbeStatement(ts, node) {
  if (!ts.isStatement(node)) return false;
  if (ts.isBlock(node) || ts.isEmptyStatement(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) return false;
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isModuleDeclaration(node) || ts.isEnumDeclaration(node)) return false;
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isExportAssignment(node)) return false;
  if (ts.isExpressionStatement(node) && ts.isStringLiteral(node.expression)) return false;
  if (node.parent && ts.isLabeledStatement(node.parent)) return false;
  return true;
}

function isBlockLike(ts, node) {
  return ts.isBlock(node) || ts.isSourceFile(node) || ts.isCaseClause(node) || ts.isDefaultClause(node) || ts.isModuleBlock(node);
}

/** A line counts as executable when it holds more than braces, brackets, punctuation or comments. */
function isCodeLine(line) {
  const t = (line ?? '').trim();
  if (t === '' || t.startsWith('//') || t.startsWith('/*') || t.startsWith('*')) return false;
  return !/^[\s{}()[\];,]*$/.test(t);
}

/**
 * Parse a file and find its probe sites and mutation candidates on `changedLines` (1-based).
 * Returns the analysis used by emitInstrumented plus the executable changed lines.
 */
export function analyzeSource(ts, { text, fileName, changedLines }) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(ts, fileName));
  const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const sites = [];
  const candidates = [];
  const nodeText = (n) => n.getText(sf);

  const visit = (node, inFn) => {
    if (inFn && isProbeStatement(ts, node)) sites.push({ node, kind: 'stmt' });
    if (inFn) {
      const at = ts.isBinaryExpression(node) ? node.operatorToken.getStart(sf) : node.getStart(sf);
      const line = lineOf(at);
      if (changedLines.has(line)) {
        for (const m of mutantsForNode(ts, node, nodeText)) candidates.push({ ...m, node, line });
      }
    }
    if (hasFunctionBody(ts, node)) {
      ts.forEachChild(node, (child) => {
        if (child === node.body) {
          if (!ts.isBlock(child)) sites.push({ node: child, kind: 'expr' });
          visit(child, true);
        } else visit(child, inFn);
      });
      return;
    }
    ts.forEachChild(node, (child) => visit(child, inFn));
  };
  visit(sf, false);

  const lines = text.split('\n');
  const owner = new Map();
  sites.forEach((site, index) => {
    site.index = index;
    site.start = site.node.getStart(sf);
    site.end = site.node.end;
    site.lines = [];
    for (let l = lineOf(site.start); l <= lineOf(site.end); l += 1) {
      if (isCodeLine(lines[l - 1])) owner.set(l, site);
    }
  });
  const executable = [];
  for (const l of [...changedLines].sort((a, b) => a - b)) {
    const site = owner.get(l);
    if (site) {
      site.lines.push(l);
      executable.push(l);
    }
  }
  // A site also covers its own first line (`if (c) return x;`: the if ran even when the return did not).
  for (const site of sites) {
    const first = lineOf(site.start);
    if (changedLines.has(first) && isCodeLine(lines[first - 1]) && !site.lines.includes(first)) site.lines.unshift(first);
  }
  for (const c of candidates) {
    const pos = c.node.getStart(sf);
    let best;
    for (const s of sites) if (s.start <= pos && pos < s.end && (!best || s.start >= best.start)) best = s;
    c.site = best;
  }
  return { ts, sf, text, fileName, sites, candidates: candidates.filter((c) => c.site), executable };
}

function prelude(fileKey) {
  const key = JSON.stringify(fileKey);
  return `
;function __tfH(k){var h=globalThis.__tfHit;if(h)h(${key},k);}
function __tfMut(){var m=globalThis.__tfMutant;if(m===undefined){m=(typeof process!=='undefined'&&process.env&&process.env.TFACTORY_MUTANT)||'';globalThis.__tfMutant=m;}return m;}
function __tfM(id){return __tfMut()===id;}
function __tfBin(a,b,op,muts){var m=__tfMut();var o=(m&&Object.prototype.hasOwnProperty.call(muts,m))?muts[m]:op;
switch(o){case '<':return a<b;case '<=':return a<=b;case '>':return a>b;case '>=':return a>=b;
case '===':return a===b;case '!==':return a!==b;case '==':return a==b;case '!=':return a!=b;
case '+':return a+b;case '-':return a-b;case 'r-':return b-a;case '*':return a*b;case '/':return a/b;case '%':return a%b;default:throw new Error('tf: bad operator '+o);}}
`;
}

/**
 * Rewrite the analysed file: probes on sites in `probed` (site → probe number) and schemata for
 * `mutants` (candidates carrying an `id`). `fileKey` is what probes report (the repo-relative path).
 */
export function emitInstrumented(analysis, { probed, mutants, fileKey }) {
  const { ts, sf, text } = analysis;
  const byNode = new Map();
  for (const m of mutants) byNode.set(m.node, [...(byNode.get(m.node) ?? []), m]);
  const touched = new Set();
  const mark = (n) => { for (let p = n; p && !touched.has(p); p = p.parent) touched.add(p); };
  for (const site of probed.keys()) mark(site.node);
  for (const m of mutants) mark(m.node);
  const probeOf = new Map([...probed].map(([site, k]) => [site.node, k]));

  const children = (node, overrides) => {
    let out = '';
    let pos = node.getStart(sf);
    ts.forEachChild(node, (child) => {
      const cs = child.getStart(sf);
      if (cs < pos) return;
      out += text.slice(pos, cs) + (overrides?.get(child) ?? emit(child));
      pos = child.end;
    });
    return out + text.slice(pos, node.end);
  };

  const emit = (node) => {
    if (!touched.has(node)) return text.slice(node.getStart(sf), node.end);
    const muts = byNode.get(node) ?? [];
    let core;
    const bin = muts.filter((m) => m.kind === 'binary');
    const logical = muts.find((m) => m.kind === 'logical');
    if (bin.length > 0 || logical) {
      const L = emit(node.left);
      const R = emit(node.right);
      if (bin.length > 0) {
        core = `__tfBin(${L}, ${R}, '${bin[0].op}', {${bin.map((m) => `${m.id}: '${m.to}'`).join(', ')}})`;
      } else {
        core = `(__tfM('${logical.id}') ? ((${L}) ${logical.to} (${R})) : ((${L}) ${logical.op} (${R})))`;
      }
    } else if (muts.some((m) => m.kind === 'return-undefined')) {
      const m = muts.find((x) => x.kind === 'return-undefined');
      core = `return (__tfM('${m.id}') ? undefined : (${emit(node.expression)}));`;
    } else if (muts.some((m) => m.kind === 'if-false')) {
      const m = muts.find((x) => x.kind === 'if-false');
      core = children(node, new Map([[node.expression, `(__tfM('${m.id}') ? false : (${emit(node.expression)}))`]]));
    } else {
      core = children(node);
    }
    for (const m of muts) {
      if (m.kind === 'unwrap-not') {
        const O = emit(node.operand);
        core = `(__tfM('${m.id}') ? (${O}) : !(${O}))`;
      } else if (m.kind === 'replace') {
        core = `(__tfM('${m.id}') ? ${m.to} : ${core})`;
      } else if (m.kind === 'remove-statement') {
        core = `if (!__tfM('${m.id}')) { ${core} }`;
      }
    }
    const k = probeOf.get(node);
    if (k !== undefined && ts.isStatement(node)) core = `__tfH(${k}); ${core}`;
    else if (k !== undefined) core = `(__tfH(${k}), ${core})`;
    if (ts.isStatement(node) && !ts.isBlock(node) && node.parent && !isBlockLike(ts, node.parent) && core !== text.slice(node.getStart(sf), node.end)) {
      core = `{ ${core} }`;
    }
    return core;
  };

  const head = text.slice(0, sf.getStart(sf));
  const body = children(sf);
  const pragma = TS_EXT.test(analysis.fileName) ? '// @ts-nocheck\n' : '';
  const shebang = head.startsWith('#!') ? '' : pragma;
  return `${shebang}${head}${body}${prelude(fileKey)}`;
}
