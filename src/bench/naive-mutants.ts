/**
 * The naive baseline of bench:mutation: mutants made by plain text edits of the changed lines (a
 * comparison or arithmetic operator flipped, a boolean operator swapped, an integer changed), each
 * run by a fresh test-runner process over the chosen test files in a copy of the head tree. What a
 * mutation loop without a warm runner, schemata or coverage costs per mutant.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TextMutant {
  file: string;
  line: number;
  description: string;
  content: string;
}

const SWAPS: Array<[RegExp, string]> = [
  [/ < /g, ' <= '], [/ <= /g, ' < '], [/ > /g, ' >= '], [/ >= /g, ' > '],
  [/ === /g, ' !== '], [/ !== /g, ' === '], [/ == /g, ' != '], [/ != /g, ' == '],
  [/ \+ /g, ' - '], [/ - /g, ' + '], [/ \* /g, ' / '], [/ \/ /g, ' * '],
  [/ && /g, ' || '], [/ \|\| /g, ' && '], [/ and /g, ' or '], [/ or /g, ' and '],
  [/ \?\? /g, ' || '],
];

function isComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#') || t.startsWith('//') || t.startsWith('/*') || t.startsWith('*') || t.startsWith('"""');
}

/** Every single-edit mutant of the given lines (1-based) of `source`. */
export function textMutants(file: string, source: string, lines: number[]): TextMutant[] {
  const all = source.split('\n');
  const out: TextMutant[] = [];
  for (const n of lines) {
    const line = all[n - 1];
    if (line === undefined || isComment(line)) continue;
    const edits: Array<[string, string]> = [];
    for (const [re, to] of SWAPS) {
      for (const m of line.matchAll(re)) edits.push([line.slice(0, m.index) + to + line.slice(m.index + m[0].length), `${m[0].trim()} -> ${to.trim()}`]);
    }
    for (const m of line.matchAll(/(?<![\w.'"])\d+(?![\w.'"])/g)) {
      edits.push([line.slice(0, m.index) + String(Number(m[0]) + 1) + line.slice(m.index + m[0].length), `${m[0]} -> ${Number(m[0]) + 1}`]);
    }
    for (const [edited, description] of edits) {
      const copy = [...all];
      copy[n - 1] = edited;
      out.push({ file, line: n, description, content: copy.join('\n') });
    }
  }
  return out;
}

/** Exit code of a command (null when it was killed at `timeoutMs`). */
export function runCommand(cmd: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const keep = (b: Buffer): void => {
      output = (output + b.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export interface NaiveResult {
  mutants: number;
  killed: number;
  seconds: number;
}

/**
 * Each mutant written into `dir` in turn, the test command run fresh, the file restored. A mutant
 * is killed when the command fails (or is cut off at `timeoutMs`).
 */
export async function runNaiveLoop(dir: string, mutants: TextMutant[], command: { cmd: string; args: string[]; env?: NodeJS.ProcessEnv }, timeoutMs: number): Promise<NaiveResult> {
  const t0 = performance.now();
  let killed = 0;
  for (const m of mutants) {
    const path = join(dir, m.file);
    const original = await readFile(path, 'utf8');
    await writeFile(path, m.content);
    try {
      const r = await runCommand(command.cmd, command.args, dir, timeoutMs, command.env);
      if (r.code !== 0) killed++;
    } finally {
      await writeFile(path, original);
    }
  }
  return { mutants: mutants.length, killed, seconds: (performance.now() - t0) / 1000 };
}
