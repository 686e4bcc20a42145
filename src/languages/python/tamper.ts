import type { LintFinding } from '../../report/types.js';
import { bracketContent, splitTopLevel, stringOf, type PySource } from './discover-tokens.js';
import { qualify, readImports, readImportStatements } from './imports.js';

/**
 * The first line of defence against a candidate that forges its own grade (README "Threat
 * model"): a Python test file that reaches for the grader, the process it runs in, or the source
 * of the code under test is rejected before anything it measured is believed. One rule,
 * `tampers-with-grader` (high), reported on the file: every test of the file is rejected.
 *
 * The whole file is scanned (module level included: that is where an import-time rig lives), on
 * logical lines with strings masked and names qualified through the file's imports, so an alias
 * (`from tfactory_rt import forkrun as f`) or a call split over lines is still seen. Patching that
 * unittest.mock / monkeypatch undo after the test (`patch("builtins.input")`,
 * `monkeypatch.setitem(sys.modules, "requests", fake)`) and literal imports stay allowed.
 * A static rule can be dodged by a determined author; the grader's own integrity check
 * (runtime/tfactory_rt/integrity.py) is the second line.
 */

export const TAMPER_RULE = 'tampers-with-grader';

/** A string that names the grader: its modules (`tfactory_rt.forkrun`), folder (`/opt/tfactory`) or temp files. */
const GRADER_NAME = /^(?:[\w./-]*[/._-])?tfactory(?:$|[\w./-]*$)/i;
/** pytest internals that build, hold or write the reports (typing imports such as `_pytest.fixtures` stay allowed). */
const PYTEST_REPORTING = /^(?:_pytest\.(?:runner|reports|main|terminal|junitxml|reporting|hookspec|pytester)|pluggy)(?:\.|$)/;

interface Pattern {
  use: RegExp;
  what: string;
}

/** Matched on qualified, masked code (strings are `__sN__`). */
const PATTERNS: Pattern[] = [
  { use: /\bsys\.(?:settrace|setprofile|_getframe|addaudithook|monitoring)\b|\bthreading\.(?:settrace|setprofile)(?:_all_threads)?\b/, what: 'installs a tracer or reads the call stack (sys.settrace / setprofile / _getframe)' },
  { use: /\binspect\.(?:currentframe|stack|getouterframes|getinnerframes)\b|\.f_(?:back|locals|globals)\b|\.tb_frame\b/, what: 'walks the call stack into the grader\'s frames' },
  { use: /\bos\.(?:_exit|kill|killpg|fork|forkpty|setsid|setpgrp|setpgid|register_at_fork|abort|dup2|closerange)\b|\bstart_new_session\b|\bpreexec_fn\b/, what: 'controls processes or their file descriptors (os._exit, os.kill, os.fork, os.setsid, os.register_at_fork, os.dup2)' },
  { use: /\bsignal\.(?:signal|setitimer|alarm|pthread_kill|pthread_sigmask|raise_signal|set_wakeup_fd)\b/, what: 'installs or sends signals' },
  { use: /\bgc\.(?:get_objects|get_referrers|get_referents)\b/, what: 'searches the heap for the grader\'s objects (gc.get_objects / get_referrers)' },
  { use: /\bctypes\b|\b_ctypes\b/, what: 'uses ctypes to reach into the interpreter' },
  { use: /\batexit\b/, what: 'registers exit handlers that would run in the grader\'s process after the tests' },
  { use: /\binspect\.(?:getsource|getsourcelines|getsourcefile|getfile|findsource|getmodule)\b|\blinecache\b|\b(?:__loader__|loader)\.get_source\(|\.__code__\b|\.co_code\b/, what: 'reads the source or bytecode of the code under test (how a planted mutant is noticed)' },
  { use: /\b__builtins__\b|\bbuiltins\.\w+\s*=[^=]|\bsetattr\(\s*builtins\b|\bbuiltins\.__dict__\b/, what: 'patches builtins for the whole process' },
  { use: /(?<![\w.])(?:exec|compile)\(/, what: 'executes code built at run time (exec / compile)' },
  { use: /\.pluginmanager\b|\bconfig\.hook\b|\bpytest_plugins\s*=[^=]/, what: 'reaches pytest\'s plugin manager (hooks rewrite reports)' },
  { use: /\bpytest\.(?:TestReport|CallInfo|CollectReport)\b/, what: 'builds or rewrites pytest reports' },
];

function finding(what: string, line: number): LintFinding {
  return { rule: TAMPER_RULE, severity: 'high', message: `tampers with the grader: ${what}`, line };
}

/** The literal string of `arg` (a single masked literal), or undefined when it is computed. */
function literalArg(source: PySource, arg: string | undefined): string | undefined {
  return arg === undefined ? undefined : stringOf(source, arg.trim());
}

/**
 * `sys.modules` may be read with a literal key (`"numpy" in sys.modules`, `sys.modules[__name__]`)
 * and be the literal-keyed target of a scoped mock (patch.dict / monkeypatch.setitem); anything else
 * (assignment, del, pop, update, iteration, a computed key) rewrites or searches what the grader runs on.
 */
function sysModulesUse(source: PySource, code: string): string | undefined {
  if (!/\bsys\.modules\b/.test(code)) return undefined;
  const graderKey = (token: string): boolean => {
    const key = stringOf(source, token);
    return key === undefined || GRADER_NAME.test(key) || /^(?:_?pytest|pluggy)/.test(key);
  };
  let rest = code;
  for (const m of code.matchAll(/\b(?:mock\.patch\.dict|unittest\.mock\.patch\.dict|patch\.dict|\w+\.(?:setitem|delitem))(\()/g)) {
    const args = splitTopLevel(bracketContent(code, (m.index ?? 0) + m[0].length - 1) ?? '', ',').map((a) => a.trim());
    if (args[0] !== 'sys.modules') continue;
    const keys = args[1]?.startsWith('{') ? [...args[1].matchAll(/(__s\d+__)\s*:/g)].map((k) => k[1] as string) : [args[1] ?? ''];
    if (keys.length === 0 || keys.some(graderKey)) return 'rewrites sys.modules';
    rest = rest.replace('sys.modules', '');
  }
  if (/^del\b/.test(rest) && /\bsys\.modules\b/.test(rest)) return 'deletes from sys.modules (the modules the grader runs on)';
  rest = rest
    .replace(/(__s\d+__)\s+(?:not\s+)?in\s+sys\.modules\b(?!\s*\[)/g, (all: string, key: string) => (graderKey(key) ? all : ''))
    .replace(/\bsys\.modules\[\s*(__s\d+__|__name__)\s*\](?!\s*=[^=])/g, (all: string, key: string) => (key === '__name__' || !graderKey(key) ? '' : all));
  return /\bsys\.modules\b/.test(rest) ? 'touches sys.modules (the modules the grader runs on)' : undefined;
}

/** `__import__(x)` / `importlib.import_module(x)` / `importlib.reload(x)` where `x` is not one literal. */
function computedImport(source: PySource, code: string): string | undefined {
  for (const m of code.matchAll(/(?<![\w.])(__import__|importlib\.import_module|importlib\.__import__)(\()/g)) {
    const args = splitTopLevel(bracketContent(code, (m.index ?? 0) + m[0].length - 1) ?? '', ',');
    const name = literalArg(source, args[0]);
    if (name === undefined) return `imports a module whose name is computed (${m[1] as string})`;
    if (GRADER_NAME.test(name)) return `imports the grader's module ${name}`;
  }
  return undefined;
}

/** `getattr(sys, "modules")`-style spellings of the names above. */
function attributeByName(source: PySource, code: string): string | undefined {
  for (const m of code.matchAll(/(?<![\w.])(?:getattr|setattr|delattr)(\()/g)) {
    const args = splitTopLevel(bracketContent(code, (m.index ?? 0) + m[0].length - 1) ?? '', ',');
    const attr = literalArg(source, args[1]);
    if (attr !== undefined && /^(?:modules|settrace|setprofile|_getframe|_exit|kill|fork|get_objects|get_referrers|__code__|__builtins__|__file__|register_at_fork|import_module|__import__)$/.test(attr)) {
      return `reaches ${attr} by name`;
    }
  }
  return undefined;
}

/** Reading a `.py` file by a literal path (open / read_text): the source of the code under test. Writing one is fine. */
function readsPythonSource(source: PySource, code: string): string | undefined {
  const literalPy = (text: string): string | undefined => {
    for (const m of text.matchAll(/__s(\d+)__/g)) {
      const s = (source.strings[Number(m[1])] ?? '').trim();
      if (/\.pyc?$/.test(s)) return s;
    }
    return undefined;
  };
  for (const m of code.matchAll(/(?<![\w.])(?:open|io\.open|tokenize\.open)(\()/g)) {
    const args = splitTopLevel(bracketContent(code, (m.index ?? 0) + m[0].length - 1) ?? '', ',').map((a) => a.trim());
    const mode = args.slice(1).map((a) => literalArg(source, a.replace(/^mode\s*=\s*/, ''))).find((a) => a !== undefined) ?? 'r';
    const path = literalPy(args[0] ?? '');
    if (path && !/[wax]/.test(mode)) return `reads Python source by path (${path})`;
  }
  const read = /\.(?:read_text|read_bytes)\(/.test(code) ? literalPy(code) : undefined;
  return read ? `reads Python source by path (${read})` : undefined;
}

/** `X.__file__` is allowed only to find a folder (`os.path.dirname(X.__file__)`, `Path(X.__file__).parent`). */
function moduleFileUse(code: string): string | undefined {
  const rest = code
    .replace(/\bos\.path\.dirname\(\s*[\w.]+\.__file__\s*\)/g, '')
    .replace(/\b(?:pathlib\.)?Path\(\s*[\w.]+\.__file__\s*\)(?:\.resolve\(\))?\.parents?\b/g, '');
  return /[\w\])]\.__file__\b|\.__spec__\b|\.__loader__\b/.test(rest) ? 'locates the file of an imported module (to read the code under test)' : undefined;
}

/**
 * Every tampering finding of one Python test file (file-level: the whole file is rejected).
 * At most one finding per line, in line order.
 */
export function checkPythonTampering(source: PySource): LintFinding[] {
  const imports = readImports(source.lines);
  const out: LintFinding[] = [];
  for (const l of source.lines) {
    const found: string[] = [];
    for (const st of readImportStatements([l])) {
      const modules = st.kind === 'from' ? [st.module, ...st.names.map((n) => `${st.module}.${n.name}`)] : [st.module];
      const grader = modules.find((m) => GRADER_NAME.test(m.replace(/^\.+/, '')));
      if (grader) found.push(`imports the grader's module ${grader}`);
      else if (modules.some((m) => PYTEST_REPORTING.test(m))) found.push(`imports pytest's reporting internals (${st.module})`);
    }
    const def = /^(?:async )?def (pytest_\w+)\s*\(/.exec(l.code);
    if (def && def[1] !== 'pytest_generate_tests') found.push(`defines the pytest hook ${def[1] as string} (hooks can rewrite reports)`);
    const code = qualify(l.code, imports);
    for (const m of code.matchAll(/__s(\d+)__/g)) {
      const text = (source.strings[Number(m[1])] ?? '').trim();
      if (!/\s/.test(text) && GRADER_NAME.test(text)) {
        found.push(`names the grader (${text})`);
        break;
      }
      if (/^\/proc\/(?:self|\d+|\{)/.test(text) || /^\/dev\/fd\b/.test(text)) {
        found.push(`reads the process table (${text}): the grader's pipes and memory`);
        break;
      }
    }
    for (const p of PATTERNS) if (p.use.test(code)) found.push(p.what);
    for (const check of [sysModulesUse, computedImport, attributeByName, readsPythonSource, (_s: PySource, c: string) => moduleFileUse(c)]) {
      const what = check(source, code);
      if (what) found.push(what);
    }
    if (found.length > 0) out.push(finding([...new Set(found)].join('; '), l.line));
  }
  return out;
}
