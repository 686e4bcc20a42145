import { basename } from 'node:path';
import { isTfError, TfError } from '../../../errors.js';
import { readContained } from '../../../files/contained.js';
import { describeLanguages, languageOfPath, pluginFor, profileForPath } from '../../../languages/registry.js';
import type { CandidateFile } from '../../types.js';
import type { CollectStage } from '../types.js';


/** A provided test file larger than this is not a test file. */
export const MAX_TEST_FILE_BYTES = 2_000_000;

/** ACs a provided test file cites by id (`AC#2`, `AC-2`, `ac_2` in names, comments or docstrings). */
export function citedAcs(content: string, known: string[]): string[] {
  const numbers = new Set([...content.matchAll(/(?:^|[^a-z])AC[#\-_ ]?(\d+)/gi)].map((m) => m[1]));
  return known.filter((id) => {
    const n = /(\d+)$/.exec(id)?.[1];
    return n !== undefined && numbers.has(n);
  });
}

/**
 * 3'. collect: the provided test files of an evaluate-only run become candidates, graded exactly like
 * generated ones. A file is read from the checkout at head unless its content was given.
 */
export function createCollectStage(): CollectStage {
  return async (_ctx, ingest, provided) => {
    const candidates: CandidateFile[] = [];
    for (const p of provided) {
      const language = languageOfPath(p.path);
      if (!language) throw new TfError('USAGE', `${p.path}: not a ${describeLanguages()} test file`);
      const profile = profileForPath(ingest.profiles, language, p.path);
      if (!profile) {
        throw new TfError('USAGE', `${p.path}: the change touches no ${pluginFor(language).displayName} code, so there is nothing for this test to prove`, {
          details: { languages: ingest.profiles.map((x) => x.language) },
        });
      }
      const testDir = profile.testDir && profile.testDir !== '.' ? profile.testDir.replace(/\/$/, '') : '';
      const path = p.external ? [testDir, basename(p.path)].filter(Boolean).join('/') : p.path;
      let content = p.content;
      if (content === undefined) {
        try {
          content = await readContained(ingest.workspaceDir, p.path, MAX_TEST_FILE_BYTES);
        } catch (cause) {
          if (isTfError(cause, 'UNSAFE_PATH')) throw new TfError('USAGE', `${p.path}: refused: ${cause.message}`, { cause });
          throw cause;
        }
        if (content === undefined) throw new TfError('USAGE', `${p.path}: no such test file at head (or not a regular file under ${MAX_TEST_FILE_BYTES / 1_000_000} MB)`);
      }
      candidates.push({ path, content, language, framework: profile.framework, origin: 'provided', acIds: citedAcs(content, ingest.spec.spec.acs.map((a) => a.id)) });
    }
    return { candidates, stuck: [] };
  };
}
