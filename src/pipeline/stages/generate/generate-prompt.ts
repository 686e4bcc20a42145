import { z } from 'zod';
import type { LanguageProfile } from '../../../languages/types.js';
import type { IngestResult, Subtask } from '../../types.js';
import { fence } from '../plan/context-blocks.js';
import { listTestFiles, moduleStem, readWorkspaceFile } from '../plan/workspace-files.js';
import { describeImport } from './test-file-name.js';

export const generatedTestSchema = z.object({
  content: z.string().min(20).describe('the complete test file'),
  summary: z.string().min(3).describe('one sentence: what the tests check'),
});
export type GeneratedTest = z.infer<typeof generatedTestSchema>;

const EXAMPLE_LINES = 40;

/** Request-specific text of a generate request: the subtask, where the file goes, how to import. */
export function buildGeneratePrompt(ingest: IngestResult, subtask: Subtask, profile: LanguageProfile, testPath: string, previousRejections: string[]): string {
  const file = subtask.target.split('::')[0] ?? subtask.target;
  const lines = [
    '## Subtask',
    `- id: ${subtask.id}`,
    `- target: ${subtask.target}`,
    `- verifies: ${subtask.acIds.join(', ') || '(no AC)'}`,
    `- lane: ${subtask.lane}`,
    `- intent: ${subtask.intent}`,
    `- why it matters: ${subtask.rationale}`,
    '',
    '## The test file',
    `- path: ${testPath}`,
    `- language and framework: ${profile.language}, ${profile.framework}`,
    `- import: ${describeImport(profile, file, testPath)}`,
  ];
  const example = findExampleTest(ingest, profile, file);
  if (example) lines.push('', `## An existing test of the project, for style (${example.path}, first lines)`, fence(example.path), example.text, '```');
  if (previousRejections.length) {
    lines.push('', '## Earlier tests for this behaviour were rejected', ...previousRejections.map((r) => `- ${r}`), 'Do not repeat these mistakes.');
  }
  return lines.join('\n');
}

function findExampleTest(ingest: IngestResult, profile: LanguageProfile, sourceFile: string): { path: string; text: string } | undefined {
  const files = listTestFiles(ingest.workspaceDir, profile.testDir, 100).filter((f) => !/tfactory/.test(f));
  const stem = moduleStem(sourceFile).toLowerCase();
  const path = files.find((f) => f.toLowerCase().includes(stem)) ?? files[0];
  const text = path ? readWorkspaceFile(ingest.workspaceDir, path) : undefined;
  return path && text ? { path, text: text.split('\n').slice(0, EXAMPLE_LINES).join('\n').trimEnd() } : undefined;
}

/** The file text without a surrounding code fence, ending with one newline. */
export function cleanTestContent(content: string): string {
  const fenced = /^\s*```[\w-]*\n([\s\S]*?)\n```\s*$/.exec(content);
  return `${(fenced?.[1] ?? content).replace(/\r\n/g, '\n').trimEnd()}\n`;
}
