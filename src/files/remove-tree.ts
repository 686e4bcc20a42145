import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';

/**
 * `rm -rf` of a folder. Node's recursive rm walks absolute paths, so a tree deeper than PATH_MAX
 * (a PR can commit one: git checks out relative paths) fails with ENAMETOOLONG and would stay on
 * disk; then the system's `rm -rf`, which walks by folder, removes it.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENAMETOOLONG') throw err;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('rm', ['-rf', '--', dir], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`rm -rf ${dir} exited with ${code}`))));
    });
  }
}
