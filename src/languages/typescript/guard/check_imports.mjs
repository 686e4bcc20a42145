/*
 * TFactory hallucination guard for one TS/JS test file, run with `node` in the node runner image.
 * Reads the test source on stdin; argv: <typescript dir> <test file (absolute)> <project root (absolute)>.
 * Creates a Program for the test file (allowJs, checkJs, noEmit, the project's tsconfig if any) and
 * reports the diagnostics that mean "this name or module does not exist":
 *   2307 cannot find module, 2305/2724/2614/2613/1192 no exported member, 2339/2551 no property,
 *   2304/2552 cannot find name.
 * A finding is "hallucinated" when it points at the project's own code (relative or aliased import,
 * a member of a project module or type); "unknown" when it is about a package the project did not
 * install or a global whose types are not there. Prints one JSON object on stdout.
 * Batch mode: argv --batch <typescript dir> <project root>; stdin {"files": [{"path", "source"}]};
 * prints {"files": [{"path", "result"}]}. One Program per file as in the single mode (no file sees
 * another's declarations), the parsed library and project files shared between them.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST_GLOBALS = new Set(['describe', 'it', 'test', 'expect', 'vi', 'jest', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll', 'suite', 'bench', 'assert', 'chai', 'expectTypeOf', 'assertType']);
const RUNTIME_GLOBALS = new Set(['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate', 'NodeJS']);

/**
 * The checker the command line runs, for a process that has typescript loaded already (the TS
 * grader's engine, runtime/engine.mjs): `ts` the typescript module, `projectRoot` absolute,
 * `nodePaths` the folders of prepared dependencies (NODE_PATH's); `deadline` (ms since the epoch,
 * optional): past it the type checker stops (ts.OperationCanceledException is thrown), so that a
 * project whose types take the checker for ever cannot hold up the process that asked; `lazyDom`
 * (default true): see domNeeded. Returns checkFile(file, source) → { hallucinated, unknown }; the
 * parsed library and project files are shared between calls. checkFile.usedDom() says whether the
 * last file was checked with the DOM library.
 */
export function createImportChecker(ts, projectRoot, nodePaths = [], { deadline, lazyDom = true } = {}) {
  const cancel = deadline === undefined ? undefined : {
    isCancellationRequested: () => Date.now() > deadline,
    throwIfCancellationRequested() {
      if (Date.now() > deadline) throw new ts.OperationCanceledException();
    },
  };
  function readProjectOptions() {
    const configPath = ts.findConfigFile(projectRoot, (f) => ts.sys.fileExists(f) && f.startsWith(projectRoot));
    if (!configPath) return {};
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (read.error) return {};
    return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath)).options;
  }

  const base = readProjectOptions();
  const options = {
    ...base,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    strict: false,
    noImplicitAny: false,
    types: [],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: base.module ?? ts.ModuleKind.ESNext,
    moduleResolution: base.moduleResolution ?? ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    esModuleInterop: true,
    jsx: base.jsx ?? ts.JsxEmit.Preserve,
  };
  if (options.moduleResolution === ts.ModuleResolutionKind.Bundler && options.module !== ts.ModuleKind.ESNext && options.module !== ts.ModuleKind.Preserve) {
    options.module = ts.ModuleKind.ESNext;
  }

  // Dependencies prepared by the sandbox live outside the checkout, on NODE_PATH (/deps/node_modules).
  const projectPaths = base.paths || {};
  if (nodePaths.length > 0) {
    options.paths = { ...projectPaths, '*': [...(projectPaths['*'] || []), ...nodePaths.flatMap((p) => [`${p}/*`, `${p}/@types/*`])] };
  }

  const host = ts.createCompilerHost(options);
  // JSDoc is parsed only where it can change a type error (every comment of a JavaScript file, only
  // @see/@link in TypeScript): tsc's own mode. The findings are the same; the default libraries
  // (lib.dom.d.ts alone is 2.3 MB of mostly comments) parse faster.
  if (ts.JSDocParsingMode) host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const norm = (p) => path.resolve(p);
  // The file being checked (its source from stdin, not the disk) and the files parsed so far.
  let testFile = '';
  let source = '';
  const parsed = new Map();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    if (norm(name) === norm(testFile)) return ts.createSourceFile(name, source, lang, true);
    const key = `${norm(name)}\0${typeof lang === 'object' ? lang.languageVersion : lang}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(name, lang, onError, create));
    return parsed.get(key);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => norm(name) === norm(testFile) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (norm(name) === norm(testFile) ? source : readFile(name));
  // One module resolution cache for every program of this checker (a program per file, and one
  // without the DOM library first): the project's imports are resolved once, not per program.
  const resolutions = ts.createModuleResolutionCache(projectRoot, (f) => f, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, containingSourceFile) => literals.map((literal) => ts.resolveModuleName(
    literal.text, containingFile, opts, host, resolutions, redirected, ts.getModeForUsageLocation(containingSourceFile, literal, opts)));

  // The DOM library (lib.dom.d.ts: 2.3 MB, two thirds of what a small test's program parses, and
  // most of the checker's start) changes no finding of a program in which no file could mean one of
  // its globals: the file is checked without it first, and again with it when one could (domNeeded).
  const domNames = lazyDom ? readDomNames(ts, options) : undefined;
  const withoutDom = domNames && { ...options, lib: options.lib.filter((l) => l !== DOM_LIB) };
  let usedDom = true;
  const seen = { needs: new WeakSet(), clean: new WeakSet() };
  // Whether the last file needed the library for a file it does not own (one of the project's, say).
  let sharedNeeds = false;
  const needing = (program) => {
    const own = program.getSourceFile(testFile);
    return program.getSourceFiles().some((f) => f !== own && seen.needs.has(f));
  };

  const full = () => ts.createProgram({ rootNames: [testFile], options, host });
  const lean = () => ts.createProgram({ rootNames: [testFile], options: withoutDom, host });
  /** The program's checker, the test file and its diagnostics. */
  const analyse = (program) => {
    const sf = program.getSourceFile(testFile);
    return { program, checker: program.getTypeChecker(), sf, diags: [...program.getSyntacticDiagnostics(sf, cancel), ...program.getSemanticDiagnostics(sf, cancel)] };
  };

  /** The file's program, without the DOM library when nothing in it could mean one of its globals. */
  function programFor() {
    if (!withoutDom) return full();
    // The test file is parsed anew for every check: a file already found needing it is another one.
    if (sharedNeeds) {
      const program = full();
      if (needing(program)) return program;
      const other = lean();
      const needs = domNeeded(ts, other, domNames, seen);
      sharedNeeds = needs && needing(other);
      return needs ? program : other;
    }
    const program = lean();
    if (!domNeeded(ts, program, domNames, seen)) return program;
    sharedNeeds = needing(program);
    return full();
  }

  function checkFile(file, text) {
    testFile = file;
    source = text;
    let analysed = analyse(programFor());
    usedDom = !withoutDom || analysed.program.getCompilerOptions().lib !== withoutDom.lib;
    // A name not found is told with the nearest global name ("Did you mean 'fetch'?"): the DOM's are
    // among them, so such a finding is made again with the library, for the same words (a test
    // runner's or Node's global is no finding: not for those).
    const reported = (d) => NAME_NOT_FOUND.has(d.code) && d.start !== undefined && !knownGlobal(analysed.sf.text.slice(d.start, d.start + d.length));
    if (!usedDom && analysed.diags.some(reported)) {
      usedDom = true;
      analysed = analyse(full());
    }
    const { checker, sf, diags } = analysed;

    function isProjectFile(fileName) {
      const f = norm(fileName);
      return f.startsWith(norm(projectRoot) + path.sep) && !f.split(path.sep).includes('node_modules') && norm(f) !== norm(testFile);
    }

    function nodeAt(pos) {
      let found;
      const visit = (n) => {
        if (pos >= n.getStart(sf) && pos < n.getEnd()) {
          found = n;
          ts.forEachChild(n, visit);
        }
      };
      visit(sf);
      return found;
    }

    function enclosingImport(node) {
      let n = node;
      while (n && !ts.isImportDeclaration(n) && !ts.isExportDeclaration(n)) n = n.parent;
      return n;
    }

    function packageInstalled(spec) {
      const parts = spec.split('/');
      const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (nodePaths.some((p) => fs.existsSync(path.join(p, name)))) return true;
      let dir = path.dirname(testFile);
      for (;;) {
        if (fs.existsSync(path.join(dir, 'node_modules', name))) return true;
        const up = path.dirname(dir);
        if (up === dir) return false;
        dir = up;
      }
    }

    function resolvedFile(spec) {
      const r = ts.resolveModuleName(spec, testFile, options, host).resolvedModule;
      return r ? r.resolvedFileName : undefined;
    }

    function resolvesToProject(spec) {
      const r = ts.resolveModuleName(spec, testFile, options, host).resolvedModule;
      return r ? isProjectFile(r.resolvedFileName) : undefined;
    }

    function isAliasOrRelative(spec) {
      if (spec.startsWith('.') || spec.startsWith('/')) return true;
      return Object.keys(projectPaths).some((k) => new RegExp('^' + k.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '.*') + '$').test(spec));
    }

    const hallucinated = [];
    const unknown = [];
    const cjsMayExport = (fileName, prop) => {
      if (!/\.[cm]?jsx?$/i.test(fileName)) return false;
      let text;
      try {
        text = fs.readFileSync(fileName, 'utf8');
      } catch {
        return false;
      }
      // prop undefined: any name (a default import of the module is the module itself)
      const p = prop === undefined ? '[\\w$]+' : prop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`\\bexports\\s*(?:\\.\\s*${p}\\b|\\[\\s*['"\`]${p}['"\`]\\s*\\])|\\bmodule\\.exports\\s*=`).test(text);
    };
    for (const d of diags) {
      if (d.start === undefined) continue;
      const line = sf.getLineAndCharacterOfPosition(d.start).line + 1;
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const node = nodeAt(d.start);
      const entry = (name, kind, reason) => ({ name, line, kind, reason: reason || text });
      if (d.code === 2307 || d.code === 2792) {
        const spec = node && ts.isStringLiteralLike(node) ? node.text : (/'([^']+)'/.exec(text) || [])[1] || '?';
        if (isAliasOrRelative(spec)) hallucinated.push(entry(spec, 'module'));
        else unknown.push(entry(spec, 'module', packageInstalled(spec) ? 'installed but not resolvable: ' + text : 'not part of the project and not installed'));
      } else if ([2305, 2724, 2614, 2613, 1192].includes(d.code)) {
        const imp = enclosingImport(node);
        const spec = imp && imp.moduleSpecifier && ts.isStringLiteralLike(imp.moduleSpecifier) ? imp.moduleSpecifier.text : undefined;
        const name = node && ts.isIdentifier(node) ? node.text : (/'([^']+)'\.?(?: Did|$)/.exec(text) || [])[1] || 'default';
        const project = spec === undefined ? undefined : resolvesToProject(spec);
        const file = project ? resolvedFile(spec) : undefined;
        // A CommonJS-style export (see cjsMayExport) is a name, and for a default import the module itself.
        const cjs = file && (name === 'default' || (imp && imp.importClause && imp.importClause.name && imp.importClause.name.text === name)
          ? cjsMayExport(file, undefined) : cjsMayExport(file, name));
        if (project && cjs) unknown.push(entry(`${spec}:${name}`, 'name', 'exported CommonJS-style by a JavaScript module the checker reads as an ES module'));
        else if (project) hallucinated.push(entry(`${spec}:${name}`, 'name'));
        else unknown.push(entry(`${spec}:${name}`, 'name'));
      } else if (d.code === 2339 || d.code === 2551) {
        let access = node;
        while (access && !ts.isPropertyAccessExpression(access)) access = access.parent;
        if (!access) continue;
        const type = checker.getTypeAtLocation(access.expression);
        const symbol = type.getSymbol() || type.aliasSymbol || checker.getSymbolAtLocation(access.expression);
        const decls = (symbol && symbol.getDeclarations()) || [];
        const name = access.getText(sf);
        const owner = decls.find((decl) => isProjectFile(decl.getSourceFile().fileName));
        if (!owner) continue;
        // A JavaScript module may export through `exports.x = …` / `module.exports = …` next to ES
        // imports (babel accepts the mix; the checker then sees no exports): such a name is not proof
        // of a hallucination.
        if (cjsMayExport(owner.getSourceFile().fileName, access.name.text)) unknown.push(entry(name, 'attribute', 'exported CommonJS-style by a JavaScript module the checker reads as an ES module'));
        else hallucinated.push(entry(name, 'attribute'));
      } else if (NAME_NOT_FOUND.has(d.code)) {
        const name = node && ts.isIdentifier(node) ? node.text : (/'([^']+)'/.exec(text) || [])[1] || '?';
        if (knownGlobal(name)) continue;
        hallucinated.push(entry(name, 'name'));
      }
    }
    return { hallucinated, unknown };
  }
  checkFile.usedDom = () => usedDom;
  return checkFile;
}

/** A test runner's or Node's global: no finding when not found (the checker is given neither's types). */
const knownGlobal = (name) => TEST_GLOBALS.has(name) || RUNTIME_GLOBALS.has(name);

const DOM_LIB = 'lib.dom.d.ts';
/** The "cannot find name" diagnostics a finding is made of (checkFile). */
const NAME_NOT_FOUND = new Set([2304, 2552, 2582, 2593]);

/**
 * The names lib.dom.d.ts declares at its top level (interfaces, variables, functions, types,
 * namespaces), read from the file the checker would load: its declarations are generated one per
 * line from column 0. Undefined when it cannot be read (the DOM library is then always loaded).
 */
function readDomNames(ts, options) {
  try {
    const text = fs.readFileSync(path.join(path.dirname(ts.getDefaultLibFilePath(options)), DOM_LIB), 'utf8');
    const names = new Set();
    for (const m of text.matchAll(/^(?:declare\s+)?(?:var|let|const|function|interface|type|namespace|module|class|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
    return names.size > 0 ? names : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `program` (built without the DOM library) has a file that could mean one of the DOM
 * library's globals (`dom`: their names), so that its findings could change with the library loaded:
 * a name of one that resolves to nothing, or to a global declaration (which the library's would
 * merge with); `import.meta` (the library adds to ImportMeta, the one global it shares with the ES
 * libraries) or `globalThis` (whose members it adds to) anywhere; any such name in a JavaScript
 * file (whose JSDoc types are read too). Names in positions that cannot mean a global (a member's
 * name, `a.name`, a label) are not counted. The default libraries' own files are not looked at.
 * `seen` ({ needs, clean }: WeakSets of source files) keeps what was found of the files a checker
 * shares between programs: a file means a DOM global or not whatever program it is in.
 */
export function domNeeded(ts, program, dom, seen = { needs: new WeakSet(), clean: new WeakSet() }) {
  const look = [];
  for (const sf of program.getSourceFiles()) {
    if (program.isSourceFileDefaultLibrary(sf) || seen.clean.has(sf)) continue;
    if (seen.needs.has(sf)) return true;
    // The parser's set of the file's identifier texts (its JSDoc's too), else every word of the file.
    const words = sf.identifiers instanceof Map ? [...sf.identifiers.keys()] : sf.text.match(/[A-Za-z_$][\w$]*/g) ?? [];
    const domWord = words.some((w) => dom.has(w));
    if (/\bglobalThis\b|\bimport\s*\.\s*meta\b/.test(sf.text) || (domWord && /\.[cm]?jsx?$/i.test(sf.fileName))) {
      seen.needs.add(sf);
      return true;
    }
    if (domWord) look.push(sf);
    else seen.clean.add(sf);
  }
  if (look.length === 0) return false;
  const K = ts.SyntaxKind;
  const memberName = (id) => {
    const p = id.parent;
    switch (p?.kind) {
      case K.PropertyAccessExpression: return p.name === id;
      case K.QualifiedName: return p.right === id;
      case K.PropertyAssignment: case K.PropertyDeclaration: case K.PropertySignature: case K.MethodDeclaration:
      case K.MethodSignature: case K.GetAccessor: case K.SetAccessor: case K.EnumMember: case K.JsxAttribute:
        return p.name === id;
      case K.BindingElement: return p.propertyName === id;
      case K.ImportSpecifier: return p.propertyName === id;
      case K.ExportSpecifier: return p.propertyName === id && Boolean(p.parent?.parent?.moduleSpecifier);
      case K.ImportType: return p.qualifier === id;
      case K.LabeledStatement: case K.BreakStatement: case K.ContinueStatement: return p.label === id;
      default: return false;
    }
  };
  const DECLARES = new Set([K.VariableDeclaration, K.Parameter, K.FunctionDeclaration, K.FunctionExpression, K.ClassDeclaration,
    K.ClassExpression, K.InterfaceDeclaration, K.TypeAliasDeclaration, K.EnumDeclaration, K.ModuleDeclaration, K.ImportClause,
    K.ImportSpecifier, K.NamespaceImport, K.ImportEqualsDeclaration, K.TypeParameter, K.BindingElement, K.NamespaceExportDeclaration]);
  /** The declaration `id` names, if it names one. */
  const declared = (id) => (id.parent && DECLARES.has(id.parent.kind) && id.parent.name === id ? id.parent : undefined);
  /** A declaration in the global scope: at the top of a script (not a module), or in `declare global`. */
  const global = (decl) => {
    for (let n = decl.parent; n; n = n.parent) {
      if (ts.isSourceFile(n)) return !ts.isExternalModule(n);
      if (ts.isModuleBlock(n)) return (n.parent.flags & ts.NodeFlags.GlobalAugmentation) !== 0;
      if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
    }
    return true;
  };
  let checker;
  for (const sf of look) {
    // By the file's syntax first: a DOM name declared globally, or used where the file declares no
    // such name (a free name: a global, or nothing). A name the file declares somewhere is looked
    // up (it may be out of that declaration's scope).
    const names = new Set();
    const uses = [];
    let found = false;
    const visit = (node) => {
      if (found) return;
      if (!ts.isIdentifier(node)) {
        ts.forEachChild(node, visit);
        return;
      }
      const decl = declared(node);
      if (decl) names.add(node.text);
      if (!dom.has(node.text) || memberName(node)) return;
      if (decl) found = global(decl);
      else uses.push(node);
    };
    visit(sf);
    found ||= uses.some((id) => !names.has(id.text));
    if (!found && uses.length > 0) {
      checker ??= program.getTypeChecker();
      found = uses.some((id) => {
        const symbol = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id
          ? checker.getShorthandAssignmentValueSymbol(id.parent)
          : checker.getSymbolAtLocation(id);
        return !symbol || (symbol.declarations ?? []).some(global);
      });
    }
    if (found) {
      seen.needs.add(sf);
      return true;
    }
    seen.clean.add(sf);
  }
  return false;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const batch = process.argv[2] === '--batch';
  const [tsDir, testFileArg, projectRoot] = batch ? [process.argv[3], undefined, process.argv[4]] : process.argv.slice(2);
  const ts = createRequire(import.meta.url)(tsDir);
  const stdin = fs.readFileSync(0, 'utf8');
  const checkFile = createImportChecker(ts, projectRoot, (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean));
  if (batch) {
    const files = JSON.parse(stdin).files.map((f) => ({ path: f.path, result: checkFile(f.path, f.source) }));
    process.stdout.write(JSON.stringify({ files }) + '\n');
  } else {
    process.stdout.write(JSON.stringify(checkFile(testFileArg, stdin)) + '\n');
  }
}
