import { createProjectFs } from '../../../languages/project-fs.js';
import { pluginForProfile } from '../../../languages/registry.js';
import type { GitPort } from '../../../git/types.js';
import type { IngestResult } from '../../types.js';
import { resolveProjectImports } from '../generate/imports.js';
import { changedSourceFiles, renderChangedCodeBlock } from './changed-code.js';
import { fence, renderSpecBlock } from './context-blocks.js';
import { findProfileForFile, isTestPath, listTestFiles, listTestNames, moduleStem, readWorkspaceFile } from './workspace-files.js';

/** Budgets of the blocks the planner and the generator share (characters; ≈ 4 per token). */
export const RUN_CONTEXT_LIMITS = { baseCodeChars: 32_000, importedModules: 12, signaturesPerModule: 60, nearTestFiles: 12, namesPerFile: 30, headerLines: 25 };

/**
 * The context every planning and generating request of a run shares, in this order: the spec, what
 * changed (files, ranges, symbols), the changed files at head (whole within a budget), what the PR
 * replaced (their base version), the API of the project modules they import, and the project's
 * testing conventions (framework and version, where tests go, how they import, the nearest tests).
 * The same ingest always gives the same bytes, so a provider's prompt cache serves every request of
 * the run after the first; within one process it is built once per ingest.
 */
export function sharedRunContext(ingest: IngestResult, git: Pick<GitPort, 'readFileAt'>): Promise<string[]> {
  const known = built.get(ingest);
  if (known) return known;
  const made = buildRunContext(ingest, git);
  built.set(ingest, made);
  made.catch(() => built.delete(ingest));
  return made;
}

const built = new WeakMap<IngestResult, Promise<string[]>>();

async function buildRunContext(ingest: IngestResult, git: Pick<GitPort, 'readFileAt'>): Promise<string[]> {
  return [
    renderSpecBlock(ingest),
    renderChangesBlock(ingest),
    renderChangedCodeBlock(ingest),
    await renderBaseCodeBlock(ingest, git),
    renderImportedApiBlock(ingest),
    await renderConventionsBlock(ingest),
  ];
}

/** What changed: every file with its change and head line ranges, then the changed symbols with their signatures. */
export function renderChangesBlock(ingest: IngestResult): string {
  const lines: string[] = ['# What the pull request changed (base...head)', '', '## Changed files'];
  for (const f of ingest.diff.files) {
    if (f.binary) continue;
    const ranges = f.addedRanges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(', ');
    lines.push(`- ${f.path} (${f.change}${f.oldPath ? ` from ${f.oldPath}` : ''})${ranges ? `: lines ${ranges} at head` : ''}${isTestPath(f.path) ? ' [test file]' : ''}`);
  }
  lines.push('', '## Changed symbols');
  if (ingest.diff.symbols.length === 0) lines.push('(none detected)');
  for (const s of ingest.diff.symbols) lines.push(`- ${s.file}::${s.qualifiedName} (${s.kind}, ${s.change}, lines ${s.range.start}-${s.range.end}${s.change === 'deleted' ? ' at base' : ''}): ${s.signature}`);
  return lines.join('\n');
}

/**
 * What the PR replaced: the base version of each changed source file (whole while the budget
 * lasts, else its removed lines with a little context), so a test can be written to fail when the
 * change is reverted. A file the PR adds has no base version.
 */
export async function renderBaseCodeBlock(ingest: IngestResult, git: Pick<GitPort, 'readFileAt'>): Promise<string> {
  const base = ingest.diff.mergeBaseSha || ingest.baseSha;
  // No commit id in the text: the same change made on another clone (other SHAs) gets the same bytes.
  const out: string[] = ['# What the pull request replaced: the changed code at its base'];
  let left = RUN_CONTEXT_LIMITS.baseCodeChars;
  const files = ingest.diff.files.filter((f) => !f.binary && !isTestPath(f.path) && (f.change === 'deleted' || changedSourceFiles(ingest).includes(f.path)));
  for (const f of files) {
    if (f.change === 'added') {
      out.push('', `## ${f.path}: new in this pull request (no base version)`);
      continue;
    }
    const path = f.oldPath ?? f.path;
    let text: string | undefined;
    try {
      text = await git.readFileAt(ingest.workspaceDir, base, path);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      out.push('', `## ${path}: its base version could not be read`);
      continue;
    }
    if (text.length <= left) {
      left -= text.length;
      out.push('', `## ${path} at base (whole file${f.change === 'deleted' ? ', deleted by the pull request' : ''})`, fence(path), text.trimEnd(), '```');
      continue;
    }
    left = 0;
    const lines = text.replace(/\n$/, '').split('\n');
    out.push('', `## ${path} at base (${lines.length} lines: over the context budget, the lines the pull request removed or changed only)`);
    for (const r of f.removedRanges) {
      const start = Math.max(1, r.start - 3);
      const end = Math.min(lines.length, r.end + 3);
      out.push(`Lines ${start}-${end}:`, fence(path), ...lines.slice(start - 1, end), '```');
    }
  }
  if (files.length === 0) out.push('(no changed source file)');
  return out.join('\n');
}

/** Signatures of the project modules the changed files import (not changed themselves): the API a test may also use. */
export function renderImportedApiBlock(ingest: IngestResult): string {
  const out: string[] = ['# Project modules the changed code imports (signatures only)'];
  const changed = changedSourceFiles(ingest);
  const imported = new Set<string>();
  for (const path of changed) {
    const profile = findProfileForFile(ingest.profiles, path);
    const content = readWorkspaceFile(ingest.workspaceDir, path);
    if (profile && content !== undefined) resolveProjectImports(ingest.workspaceDir, path, content, profile).forEach((p) => imported.add(p));
  }
  for (const path of [...imported].filter((p) => !changed.includes(p)).sort().slice(0, RUN_CONTEXT_LIMITS.importedModules)) {
    const profile = findProfileForFile(ingest.profiles, path);
    const content = readWorkspaceFile(ingest.workspaceDir, path);
    if (!profile || content === undefined) continue;
    const sigs = pluginForProfile(profile).extractSignatures(content).slice(0, RUN_CONTEXT_LIMITS.signaturesPerModule);
    if (sigs.length) out.push('', `## ${path}`, fence(path), ...sigs, '```');
  }
  if (out.length === 1) out.push('(none)');
  return out.join('\n');
}

/**
 * The project's testing conventions, per language project: the framework and its version as the
 * grader runs it, where tests go and how they are named, how a test imports each changed file, the
 * existing tests nearest the change (file and test names), and the opening lines of the nearest
 * one (its imports and fixtures: the project's conventions).
 */
export async function renderConventionsBlock(ingest: IngestResult): Promise<string> {
  const out: string[] = ['# How this project tests'];
  const fs = createProjectFs(ingest.workspaceDir);
  const changed = changedSourceFiles(ingest);
  for (const profile of ingest.profiles) {
    const plugin = pluginForProfile(profile);
    const mine = changed.filter((p) => findProfileForFile(ingest.profiles, p) === profile);
    const sampleTest = `${profile.testDir ? `${profile.testDir}/` : ''}${profile.testFileNamePattern.replace('{module}', moduleStem(mine[0] ?? 'module'))}`;
    out.push(
      '',
      `## ${plugin.languageNames[profile.language] ?? profile.language} project at ${profile.root || '.'}`,
      `- framework: ${await plugin.describeFramework(fs, profile)}`,
      `- tests live in ${profile.testDir || '.'}, named like ${profile.testFileNamePattern}`,
      ...mine.map((p) => `- a test of ${p} imports it so: ${plugin.describeImport(profile, p, sampleTest)}`),
    );
    const stems = mine.map((p) => moduleStem(p).toLowerCase());
    const tests = listTestFiles(ingest.workspaceDir, profile.testDir).filter((f) => !/tfactory/.test(f));
    const near = [...tests.filter((f) => stems.some((s) => f.toLowerCase().includes(s))), ...tests.filter((f) => !stems.some((s) => f.toLowerCase().includes(s)))].slice(0, RUN_CONTEXT_LIMITS.nearTestFiles);
    if (near.length === 0) {
      out.push('- existing tests: none found');
      continue;
    }
    out.push('- existing tests, nearest the change first:');
    for (const f of near) out.push(`  - ${f}: ${listTestNames(readWorkspaceFile(ingest.workspaceDir, f) ?? '').slice(0, RUN_CONTEXT_LIMITS.namesPerFile).join(', ') || '(no test names found)'}`);
    const first = near[0] as string;
    const header = (readWorkspaceFile(ingest.workspaceDir, first) ?? '').split('\n').slice(0, RUN_CONTEXT_LIMITS.headerLines).join('\n').trimEnd();
    if (header) out.push(`- the opening lines of ${first} (imports, fixtures):`, fence(first), header, '```');
  }
  if (ingest.profiles.length === 0) out.push('(no language project detected)');
  return out.join('\n');
}
