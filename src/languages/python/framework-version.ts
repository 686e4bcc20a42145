import { posix } from 'node:path';
import type { ProjectFs } from '../project-fs.js';
import type { LanguageProfile } from '../types.js';

/**
 * What the grader runs Python tests with: the runner image (runner-images/python/Dockerfile) installs
 * Debian bookworm's packages, whose versions these are. Keep them in step with the image's base.
 */
export const PYTHON_RUNNER = { python: '3.11', pytest: '7.2', plugins: ['pytest-mock', 'pytest-timeout'] } as const;

const MANIFESTS = ['requirements-dev.txt', 'requirements-test.txt', 'dev-requirements.txt', 'test-requirements.txt', 'requirements.txt', 'pyproject.toml', 'setup.cfg', 'Pipfile'];

/** The version spec a project declares for `name` (`>=8.0`, `==7.4.2`), when one of its manifests says. */
async function declaredSpec(fs: ProjectFs, root: string, name: string): Promise<{ spec: string; file: string } | undefined> {
  const re = new RegExp(`(?:^|["'\\s])${name}\\s*(?:\\[[^\\]]*\\])?\\s*(?:=\\s*["'])?((?:[<>=!~^]=?|===?)\\s*[\\w.*]+(?:\\s*,\\s*(?:[<>=!~]=?)\\s*[\\w.*]+)*)`, 'm');
  for (const f of MANIFESTS) {
    const file = root ? posix.join(root, f) : f;
    const m = re.exec((await fs.read(file)) ?? '');
    if (m?.[1]) return { spec: m[1].replace(/\s+/g, ''), file };
  }
  return undefined;
}

/** The test framework and its version as a test will run: the runner image's, and what the project pins. */
export async function describePythonFramework(fs: ProjectFs, profile: LanguageProfile): Promise<string> {
  const runner = `Python ${PYTHON_RUNNER.python}, ${profile.framework === 'pytest' ? `pytest ${PYTHON_RUNNER.pytest}` : `unittest (run by pytest ${PYTHON_RUNNER.pytest})`} with ${PYTHON_RUNNER.plugins.join(', ')}`;
  const pinned = await declaredSpec(fs, profile.root, 'pytest');
  return pinned ? `${runner}; the project asks for pytest${pinned.spec} (${pinned.file})` : runner;
}
