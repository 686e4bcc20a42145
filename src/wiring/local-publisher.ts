import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeContained } from '../files/contained.js';
import { commitFiles } from '../git/commit-push.js';
import { runGit } from '../git/run-git.js';
import type { Publisher } from '../pipeline/types.js';

export const TFACTORY_AUTHOR = { name: 'TFactory', email: 'tfactory@users.noreply.github.com' };

export function commitMessage(count: number, specId: string | undefined, runId: string): string {
  return `test: add ${count} test file${count === 1 ? '' : 's'} for ${specId ?? 'this change'} (TFactory)\n\nTFactory-Run: ${runId}\n`;
}

/**
 * Publishing for local runs: with `--commit`, the accepted test files are written into the
 * repository and committed on its current branch; otherwise the repository is left untouched and
 * the files are written under `outRoot/<run id>/` (same relative paths), and the note says where.
 */
export function createLocalPublisher(opts: { outRoot?: string } = {}): Publisher {
  return {
    stageChanged: async () => {},
    async publish(run, report, files) {
      const source = run.request.source;
      if (source.kind !== 'local') return { notes: ['local publisher: not a local run, nothing done'] };
      if (files.length === 0) return { notes: ['No test was accepted, so nothing was committed.'] };
      if (!run.request.options.commit) {
        const plural = files.length === 1 ? '' : 's';
        if (!opts.outRoot) return { notes: [`${files.length} accepted test file${plural} not committed (run with --commit to commit them on the current branch).`] };
        const dir = join(opts.outRoot, run.id);
        await mkdir(dir, { recursive: true });
        for (const f of files) await writeContained(dir, f.path, f.content);
        return {
          notes: [`${files.length} accepted test file${plural} written to ${dir} (the repository is untouched; run with --commit to commit them on the current branch).`],
          location: { kind: 'folder', path: dir },
        };
      }
      const sha = await commitFiles(source.repoPath, files.map((f) => ({ path: f.path, content: f.content })), commitMessage(files.length, report.spec?.derived ? undefined : report.spec?.id, run.id), TFACTORY_AUTHOR);
      const branch = (await runGit(source.repoPath, ['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')).trim();
      return {
        commitSha: sha,
        notes: [`Committed ${files.length} test file${files.length === 1 ? '' : 's'} as ${sha.slice(0, 12)}.`],
        location: { kind: 'commit', commitSha: sha, ...(branch ? { branch } : {}) },
      };
    },
  };
}
