import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pythonBuildStepFiles } from '../../../src/languages/python/build-files.js';
import type { LanguageProfile } from '../../../src/languages/types.js';
import { prepareEvalTrees } from '../../../src/pipeline/stages/evaluate/eval-tree.js';
import type { GitPort } from '../../../src/git/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfactory-buildstep-'));
  dirs.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const profile = (root: string): LanguageProfile => ({ language: 'python', root, framework: 'pytest', packageManager: 'pip', files: [] }) as unknown as LanguageProfile;
const reader = (dir: string) => async (rel: string): Promise<string | undefined> => (existsSync(join(dir, rel)) ? readFileSync(join(dir, rel), 'utf8') : undefined);

describe('pythonBuildStepFiles', () => {
  it('names the version file of hatch-vcs and setuptools-scm, under the project root', async () => {
    const dir = tree({
      'pyproject.toml': '[build-system]\nrequires = ["hatchling", "hatch-vcs"]\n\n[tool.hatch.build.hooks.vcs]\nversion-file = "src/humanize/_version.py"\n',
      'libs/b/pyproject.toml': "[tool.setuptools_scm]\nwrite_to = 'b/_version.py'  # generated\n",
    });
    const top = await pythonBuildStepFiles(profile(''), reader(dir));
    expect(top.map((f) => f.path)).toEqual(['src/humanize/_version.py']);
    expect(top[0]?.content).toContain('__version__ = version = "0.0.0"');
    expect(top[0]?.why).toContain('[tool.hatch.build.hooks.vcs] version-file');
    expect((await pythonBuildStepFiles(profile('libs/b'), reader(dir))).map((f) => f.path)).toEqual(['libs/b/b/_version.py']);
  });

  it('reads the dotted-key spelling under [tool.hatch] (python-humanize\'s pyproject)', async () => {
    const dir = tree({ 'pyproject.toml': '[tool.hatch]\nversion.source = "vcs"\nbuild.hooks.vcs.version-file = "src/humanize/_version.py"\n' });
    expect((await pythonBuildStepFiles(profile(''), reader(dir))).map((f) => f.path)).toEqual(['src/humanize/_version.py']);
  });

  it('ignores paths that leave the project or are not Python, and projects without the hooks', async () => {
    const dir = tree({
      'pyproject.toml': '[tool.hatch.build.hooks.vcs]\nversion-file = "../../etc/x.py"\n[tool.setuptools_scm]\nversion_file = "/abs/_v.py"\nwrite_to = "pkg/VERSION"\n',
      'plain/pyproject.toml': '[project]\nname = "plain"\nversion-file = "x.py"\n',
    });
    expect(await pythonBuildStepFiles(profile(''), reader(dir))).toEqual([]);
    expect(await pythonBuildStepFiles(profile('plain'), reader(dir))).toEqual([]);
    expect(await pythonBuildStepFiles(profile('none'), reader(dir))).toEqual([]);
  });
});

describe('prepareEvalTrees writes build-step files into its copies only', () => {
  const git = { exportTree: async (_repo: string, _sha: string, to: string) => { writeFileSync(join(to, 'pyproject.toml'), '[tool.hatch.build.hooks.vcs]\nversion-file = "pkg/_version.py"\n'); mkdirSync(join(to, 'pkg')); } } as unknown as GitPort;

  it('writes a missing version file into head and base, says so once, and leaves the checkout and an existing file alone', async () => {
    const work = tree({ 'pyproject.toml': '[tool.hatch.build.hooks.vcs]\nversion-file = "pkg/_version.py"\n', 'pkg/__init__.py': 'from ._version import __version__\n' });
    const trees = await prepareEvalTrees({ workspaceDir: work, baseSha: 'b', candidates: [], profiles: [profile('')], git, tmpRoot: tree({}) });
    try {
      expect(readFileSync(join(trees.headDir, 'pkg/_version.py'), 'utf8')).toContain('__version_tuple__');
      expect(existsSync(join(trees.baseDir!, 'pkg/_version.py'))).toBe(true);
      expect(existsSync(join(work, 'pkg/_version.py'))).toBe(false);
      expect(trees.notes).toHaveLength(1);
      expect(trees.notes[0]).toMatch(/^pkg\/_version\.py is written at install time/);
    } finally {
      await trees.dispose();
    }
    writeFileSync(join(work, 'pkg/_version.py'), '__version__ = "9.9"\n');
    const again = await prepareEvalTrees({ workspaceDir: work, candidates: [], profiles: [profile('')], git, tmpRoot: tree({}) });
    try {
      expect(readFileSync(join(again.headDir, 'pkg/_version.py'), 'utf8')).toBe('__version__ = "9.9"\n');
      expect(again.notes).toEqual([]);
    } finally {
      await again.dispose();
    }
  });

  it('never writes through a link the PR committed', async () => {
    const outside = tree({});
    const work = tree({ 'pyproject.toml': '[tool.hatch.build.hooks.vcs]\nversion-file = "pkg/_version.py"\n' });
    symlinkSync(outside, join(work, 'pkg'));
    const trees = await prepareEvalTrees({ workspaceDir: work, candidates: [], profiles: [profile('')], git, tmpRoot: tree({}) });
    try {
      expect(existsSync(join(outside, '_version.py'))).toBe(false);
      expect(trees.notes).toEqual([]);
    } finally {
      await trees.dispose();
    }
  });
});
