import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, type TestRepo } from '../fakes/repos.js';

/** `src/café.py` with é in Latin-1 (one byte, 0xE9): a name that is not UTF-8. */
export const LATIN1_NAME = Buffer.from('src/caf\xe9.py', 'latin1');
/** A name part of 300 bytes: git stores it, no Linux filesystem can hold it. */
export const TOO_LONG_PART = `src/${'m'.repeat(300)}.py`;
/** Sixteen 254-byte folders (4087 bytes in all): each part fits, the whole path is over PATH_MAX once under a checkout. */
export const TOO_DEEP = `${Array.from({ length: 16 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(252)}`).join('/')}/deep.py`;
/** A 1.2 MB source file: over the 1 MB cap. */
export const BIG_BYTES = 1_200_000;

const CALC_BASE = 'def add(a, b):\n    return a + b\n';
const CALC_HEAD = 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n';

/**
 * A real repository whose `feature` branch changes files with every awkward name and kind ingest
 * must survive: not UTF-8, UTF-8 with accents, a newline and a tab, a name part too long for the
 * filesystem, a path too deep for a checkout, a binary file, a 1.2 MB file, a link and a submodule.
 */
export function makeAwkwardRepo(): TestRepo {
  const repo = makeRepo('tfactory-names-');
  repo.write({ 'src/calc.py': CALC_BASE, 'README.md': 'hi\n' });
  repo.commit('base');
  repo.git('checkout', '--quiet', '-b', 'feature');
  repo.write({ 'src/calc.py': CALC_HEAD, 'src/naïve.py': 'def f():\n    return 1\n', 'src/new\nline.py': 'x = 1\n', 'src/tab\there.py': 'y = 2\n' });
  writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/`), LATIN1_NAME]), 'z = 3\n');
  writeFileSync(join(repo.dir, 'src/logo.bin'), Buffer.from([0, 1, 2, 0, 255, 254, 0]));
  writeFileSync(join(repo.dir, 'src/big.py'), `${'#'.repeat(79)}\n`.repeat(BIG_BYTES / 80));
  repo.git('add', '-A');
  repo.git('update-index', '--add', '--cacheinfo', `120000,${hashBlob(repo, 'calc.py')},src/link.py`);
  repo.git('update-index', '--add', '--cacheinfo', `100644,${hashBlob(repo, 'x = 4\n')},${TOO_LONG_PART}`);
  repo.git('update-index', '--add', '--cacheinfo', `100644,${hashBlob(repo, 'w = 5\n')},${TOO_DEEP}`);
  repo.git('update-index', '--add', '--cacheinfo', `160000,${repo.git('rev-parse', 'main').trim()},vendor/lib`);
  repo.git('commit', '--quiet', '-m', 'feature');
  // The working tree lacks the entries added to the index only; the branch has them all.
  repo.git('checkout', '--quiet', '--force', 'main');
  return repo;
}

function hashBlob(repo: TestRepo, text: string): string {
  const file = join(repo.dir, '.git', 'blob-input');
  writeFileSync(file, text);
  return repo.git('hash-object', '-w', file).trim();
}
