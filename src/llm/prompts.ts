import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TfError } from '../errors.js';
import { PACKAGE_ROOT } from '../version.js';

export type PromptName = 'planner' | 'generator' | 'judge' | 'repair';

export interface Prompt {
  name: string;
  /** Semver from the file's first line (`version: 1.2.0`) or its front matter; goes into the report. */
  version: string;
  text: string;
}

const SEMVER = /^\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/;

/** Splits a prompt file into version and text. Accepts `version: x.y.z` as first line, or `---` front matter holding it. */
export function parsePrompt(name: string, raw: string): Prompt {
  const src = raw.replace(/\r\n/g, '\n');
  let version: string | undefined;
  let text: string;
  if (src.startsWith('---\n')) {
    const end = src.indexOf('\n---', 4);
    if (end < 0) throw promptError(name, 'front matter is not closed');
    const front = src.slice(4, end);
    version = /^version:\s*(\S+)\s*$/m.exec(front)?.[1];
    text = src.slice(end + 4).replace(/^\n+/, '');
  } else {
    const [first = '', ...rest] = src.split('\n');
    version = /^version:\s*(\S+)\s*$/.exec(first)?.[1];
    text = rest.join('\n').replace(/^\n+/, '');
  }
  if (!version || !SEMVER.test(version)) throw promptError(name, 'the first line must be `version: <semver>`');
  return { name, version, text: text.trimEnd() + '\n' };
}

/** Loads `prompts/<name>.md` from the package root (or `root`, for tests). */
export function loadPrompt(name: PromptName | string, root: string = PACKAGE_ROOT): Prompt {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw promptError(name, 'invalid prompt name');
  const path = join(root, 'prompts', `${name}.md`);
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TfError('INTERNAL', `prompt ${name} could not be read`, { details: { path }, cause });
  }
  return parsePrompt(name, raw);
}

/** Replaces `{{key}}` placeholders; an unknown placeholder is left as is. */
export function fillPrompt(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

function promptError(name: string, why: string): TfError {
  return new TfError('INTERNAL', `prompt ${name} is malformed: ${why}`, { details: { prompt: name } });
}
