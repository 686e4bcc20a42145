import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MIRROR = process.env.TFACTORY_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/**
 * Architecture-independent Debian packages of another suite (e.g. pytest 8 from trixie, where the
 * runner image has bookworm's pytest 7), unpacked into
 * `~/.cache/tfactory-test/debian/<name>/root` once per machine (TFACTORY_TEST_CACHE picks another
 * folder) and reused. Only `Architecture: all` packages: their files are plain Python, so they run
 * on the host's python3 from PYTHONPATH. A download that fails throws with the cause (never a silent skip).
 * Returns the unpacked `usr/lib/python3/dist-packages` folder.
 */
export async function unpackedDebianPackages(name: string, suite: string, packages: string[]): Promise<string> {
  const root = join(process.env.TFACTORY_TEST_CACHE ?? join(homedir(), '.cache', 'tfactory-test'), 'debian', name);
  const dist = join(root, 'root', 'usr', 'lib', 'python3', 'dist-packages');
  if (existsSync(join(root, '.complete'))) return dist;
  const work = `${root}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const get = async (url: string, out: string): Promise<void> => {
    let why = '';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(180_000) });
        if (res.ok) {
          writeFileSync(out, Buffer.from(await res.arrayBuffer()));
          return;
        }
        why = `HTTP ${res.status}`;
      } catch (e) {
        why = (e as Error).message;
      }
    }
    throw new Error(`download of ${url} failed (are Debian's package mirrors reachable?): ${why}`);
  };
  await get(`${MIRROR}/dists/${suite}/main/binary-all/Packages.xz`, join(work, 'Packages.xz'));
  // Debian's python3 has lzma; an xz binary may not be installed.
  const index = execFileSync('python3', ['-c', 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())', join(work, 'Packages.xz')], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  const files = new Map<string, string>();
  for (const stanza of index.split('\n\n')) {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1];
    const file = /^Filename: (.+)$/m.exec(stanza)?.[1];
    if (pkg && file && packages.includes(pkg)) files.set(pkg, file);
  }
  const missing = packages.filter((p) => !files.has(p));
  if (missing.length > 0) throw new Error(`Debian ${suite} has no architecture-independent package ${missing.join(', ')}`);
  for (const [pkg, file] of files) {
    const deb = join(work, `${pkg}.deb`);
    await get(`${MIRROR}/${file}`, deb);
    execFileSync('dpkg-deb', ['-x', deb, join(work, 'root')], { stdio: 'pipe' });
  }
  writeFileSync(join(work, '.complete'), `${suite}: ${[...files.values()].join(' ')}\n`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, '..'), { recursive: true });
  renameSync(work, root);
  return dist;
}

