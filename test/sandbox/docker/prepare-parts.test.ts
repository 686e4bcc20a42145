import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeError, isTfError } from '../../../src/errors.js';
import { CA_CONTAINER_PATH, caEnv, resolveCaBundle } from '../../../src/sandbox/docker/ca-bundle.js';
import { installCommand, nodeTool, pipRequirementsScript, toolInstallCommand } from '../../../src/sandbox/docker/install-script.js';
import { settingsDigest } from '../../../src/sandbox/docker/prepare.js';
import { prepareFailure } from '../../../src/sandbox/docker/prepare-failure.js';
import type { ExecResult } from '../../../src/sandbox/port.js';

const CERT_A = '-----BEGIN CERTIFICATE-----\nMIIBaaaa\n-----END CERTIFICATE-----';
const CERT_B = '-----BEGIN CERTIFICATE-----\nMIIBbbbb\n-----END CERTIFICATE-----';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-prep-parts-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the extra CA bundle', () => {
  it('defaults to the host extra certificates, copied as PEM blocks only into one file named by their hash', async () => {
    const anchors = join(dir, 'anchors');
    mkdirSync(join(anchors, 'corp'), { recursive: true });
    writeFileSync(join(anchors, 'proxy.crt'), `# the proxy\n${CERT_A}\n`);
    writeFileSync(join(anchors, 'corp', 'root.pem'), `${CERT_B}\n`);
    writeFileSync(join(anchors, 'README'), 'not a certificate');
    const bundle = await resolveCaBundle({}, join(dir, 'cache'), [join(dir, 'missing'), anchors]);
    expect(bundle).toMatchObject({ source: anchors, certificates: 2 });
    expect(readFileSync(bundle?.hostPath ?? '', 'utf8')).toBe(`${CERT_B}\n${CERT_A}\n`);
    const again = await resolveCaBundle({}, join(dir, 'cache'), [anchors]);
    expect(again?.hostPath).toBe(bundle?.hostPath);
  });

  it('takes TFACTORY_CA_BUNDLE first (a file or a folder), and "none" turns it off', async () => {
    const anchors = join(dir, 'anchors');
    mkdirSync(anchors);
    writeFileSync(join(anchors, 'host.crt'), CERT_A);
    const own = join(dir, 'proxy.pem');
    writeFileSync(own, CERT_B);
    expect(await resolveCaBundle({ TFACTORY_CA_BUNDLE: own }, join(dir, 'cache'), [anchors])).toMatchObject({ source: `TFACTORY_CA_BUNDLE=${own}`, certificates: 1 });
    expect(await resolveCaBundle({ TFACTORY_CA_BUNDLE: anchors }, join(dir, 'cache'), [])).toMatchObject({ certificates: 1 });
    expect(await resolveCaBundle({ TFACTORY_CA_BUNDLE: 'none' }, join(dir, 'cache'), [anchors])).toBeUndefined();
  });

  it('falls back to the file NODE_EXTRA_CA_CERTS names, and is absent when the host has none', async () => {
    const extra = join(dir, 'extra.pem');
    writeFileSync(extra, `${CERT_A}\n${CERT_B}\n`);
    expect(await resolveCaBundle({ NODE_EXTRA_CA_CERTS: extra }, join(dir, 'cache'), [join(dir, 'empty')])).toMatchObject({ certificates: 2, source: `NODE_EXTRA_CA_CERTS=${extra}` });
    expect(await resolveCaBundle({}, join(dir, 'cache'), [join(dir, 'empty')])).toBeUndefined();
  });

  it('refuses a TFACTORY_CA_BUNDLE that is missing or holds no certificate, saying what to set', async () => {
    const missing = await resolveCaBundle({ TFACTORY_CA_BUNDLE: join(dir, 'nope.pem') }, dir, []).catch((e: unknown) => e);
    expect(isTfError(missing, 'CONFIG_INVALID')).toBe(true);
    expect(describeError(missing)).toMatch(/does not exist\n {2}→ set TFACTORY_CA_BUNDLE to a PEM file/);
    writeFileSync(join(dir, 'empty.pem'), 'nothing here');
    const empty = await resolveCaBundle({ TFACTORY_CA_BUNDLE: join(dir, 'empty.pem') }, dir, []).catch((e: unknown) => e);
    expect(describeError(empty)).toMatch(/holds no PEM certificate/);
  });

  it('is trusted by npm, pnpm, yarn and pip in the prepare container only', () => {
    expect(caEnv()).toMatchObject({ NODE_EXTRA_CA_CERTS: CA_CONTAINER_PATH, PIP_CERT: '/tmp/tfactory-ca.pem', REQUESTS_CA_BUNDLE: '/tmp/tfactory-ca.pem', npm_config_cafile: '/tmp/tfactory-ca.pem' });
    const spec = { image: 'i', workspace: '/w', projectRoot: '', kind: 'npm' as const, lockfile: 'package-lock.json' };
    expect(installCommand(spec, { ca: true }).cmd[2]).toContain(`cat /etc/ssl/certs/ca-certificates.crt "${CA_CONTAINER_PATH}" > "/tmp/tfactory-ca.pem"`);
    expect(installCommand(spec, { ca: false }).cmd[2]).not.toContain('tfactory-ca');
  });
});

describe('the settings digest in the prepare cache key', () => {
  it('changes with any file the package manager reads or runs at the install root, and only with those', async () => {
    const base = await settingsDigest(dir);
    writeFileSync(join(dir, 'README.md'), 'x');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', '.npmrc'), 'registry=https://example.invalid/');
    expect(await settingsDigest(dir)).toBe(base);
    writeFileSync(join(dir, '.pnpmfile.cjs'), 'module.exports = {};');
    const withHook = await settingsDigest(dir);
    expect(withHook).not.toBe(base);
    mkdirSync(join(dir, '.yarn', 'plugins', '@yarnpkg'), { recursive: true });
    writeFileSync(join(dir, '.yarn', 'plugins', '@yarnpkg', 'plugin-x.cjs'), 'a');
    const withPlugin = await settingsDigest(dir);
    expect(withPlugin).not.toBe(withHook);
    writeFileSync(join(dir, '.yarn', 'plugins', '@yarnpkg', 'plugin-x.cjs'), 'b');
    expect(await settingsDigest(dir)).not.toBe(withPlugin);
  });
});

describe('which installer a lockfile gets', () => {
  const facts = { lockText: '', installScripts: false };
  it('npm ci without install scripts, from the lockfile folder of a workspace', () => {
    const cmd = installCommand({ image: 'i', workspace: '/w', projectRoot: 'packages/a', kind: 'npm', lockfile: 'apps/package-lock.json' }, { ca: false });
    expect(cmd.label).toBe('npm ci');
    expect(cmd.cmd.slice(3)).toEqual(['/workspace/apps', '/scratch/apps', '/workspace/apps/package-lock.json']);
    expect(cmd.cmd[2]).toContain('npm ci --no-audit --no-fund --ignore-scripts');
  });
  it('pnpm: the declared version, else the one that writes the lockfile format', () => {
    expect(nodeTool('pnpm', { ...facts, lockText: "lockfileVersion: '9.0'\n" }).command).toMatch(/^node "\$\(node -e ".*\/opt\/tfactory\/pm\/node_modules\/pnpm\/package.json.*"\)" install --frozen-lockfile .*--ignore-scripts$/);
    expect(nodeTool('pnpm', { ...facts, lockText: "lockfileVersion: '6.0'\n" })).toMatchObject({ tool: 'pnpm@8' });
    expect(nodeTool('pnpm', { ...facts, lockText: "lockfileVersion: '9.0'\n", packageManager: 'pnpm@10.4.1+sha512.abc' })).toMatchObject({ tool: 'pnpm@10.4.1' });
  });
  it('yarn classic and berry (node_modules linker; the committed release when there is one)', () => {
    expect(nodeTool('yarn', { ...facts, lockText: '# yarn lockfile v1\n' }).command).toMatch(/^node .*\/opt\/tfactory\/pm\/node_modules\/yarn\/package\.json.* install --frozen-lockfile/);
    const berry = nodeTool('yarn', { ...facts, lockText: '__metadata:\n  version: 8\n', packageManager: 'yarn@4.5.1' });
    expect(berry).toMatchObject({ tool: '@yarnpkg/cli-dist@4.5.1' });
    expect(berry.command).toMatch(/^node .*\/opt\/tfactory\/pm\/node_modules\/@yarnpkg\/cli-dist\/package\.json.* install --immutable --mode=skip-build$/);
    expect(berry.env).toMatchObject({ YARN_NODE_LINKER: 'node-modules' });
    expect(nodeTool('yarn', { ...facts, lockText: '__metadata:\n', yarnPath: '.yarn/releases/yarn-4.5.1.cjs' }).command).toBe('node ".yarn/releases/yarn-4.5.1.cjs" install --immutable --mode=skip-build');
  });
  it('installs the package manager in a container of its own, from a checked spec', () => {
    expect(toolInstallCommand('pnpm@9', { ca: false }).cmd[2]).toBe('set -e; cd /scratch; npm install --prefix /scratch --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error pnpm@9');
    expect(() => toolInstallCommand('pnpm@9 && id', { ca: false })).toThrow(/not a package spec/);
  });
  it('never passes a declared version or yarnPath that is not a plain one to the shell', () => {
    expect(nodeTool('pnpm', { ...facts, lockText: "lockfileVersion: '9.0'", packageManager: 'pnpm@9; rm -rf /' })).toMatchObject({ tool: 'pnpm@9' });
    expect(nodeTool('yarn', { ...facts, lockText: '__metadata:\n', yarnPath: '../../x.cjs' })).toMatchObject({ tool: '@yarnpkg/cli-dist@4' });
    expect(nodeTool('yarn', { ...facts, lockText: '__metadata:\n', yarnPath: '$(id).cjs' })).toMatchObject({ tool: '@yarnpkg/cli-dist@4' });
  });
});

function failed(stderr: string, stdout = '', exitCode: number | null = 1, endReason: ExecResult['endReason'] = 'exited'): ExecResult {
  return { exitCode, stdout, stderr, stdoutTruncated: false, stderrTruncated: false, durationMs: 1, endReason, files: [] };
}

describe('a failed install, in one line with what to do next', () => {
  it('names an untrusted certificate and TFACTORY_CA_BUNDLE', () => {
    const err = prepareFailure('pnpm install', failed(' ERR_PNPM_META_FETCH_FAIL  GET https://registry.npmjs.org/is-number: request failed, reason: self-signed certificate in certificate chain'), { ca: undefined, pip: false });
    expect(describeError(err)).toBe('pnpm install failed: TLS certificate not trusted (self-signed certificate in certificate chain) (exit 1)\n  → a proxy intercepts TLS: set TFACTORY_CA_BUNDLE to its CA certificate (PEM file or folder), or install that CA in /usr/local/share/ca-certificates');
    expect(describeError(prepareFailure('npm ci', failed('x SELF_SIGNED_CERT_IN_CHAIN'), { ca: '/usr/local/share/ca-certificates', pip: false }))).toContain('from /usr/local/share/ca-certificates were trusted and did not verify');
  });
  it('names a lockfile out of step with package.json', () => {
    const text = describeError(prepareFailure('npm ci', failed('npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync.'), { ca: undefined, pip: false }));
    expect(text.split('\n')[0]).toMatch(/^npm ci failed: the lockfile does not match package\.json \(.*\) \(exit 1\)$/);
    expect(text).toContain('commit a lockfile that matches');
  });
  it('names a timeout and a disk limit, and otherwise quotes the last line of the output', () => {
    expect(describeError(prepareFailure('npm ci', failed('', '', null, 'timeout'), { ca: undefined, pip: false })).split('\n')[0]).toBe('npm ci failed: it did not finish in time (timeout)');
    expect(describeError(prepareFailure('yarn install', failed('', '', null, 'disk-limit'), { ca: undefined, pip: false })).split('\n')[0]).toBe("yarn install failed: the install passed the prepare container's disk limit (disk-limit)");
    const other = prepareFailure('pip install', failed('Collecting x\nERROR: x.whl is not a supported wheel on this platform.\n'), { ca: undefined, pip: true });
    expect(describeError(other).split('\n')[0]).toBe('pip install failed: ERROR: x.whl is not a supported wheel on this platform. (exit 1)');
    expect(other.details.stderr).toContain('Collecting x');
    const berry = prepareFailure('yarn install', failed('\nadded 1 package in 3s\n', '➤ YN0000: · Yarn 4.18.1\n➤ YN0001: │ Error: is-number@npm:7.0.0: checksum mismatch\n➤ YN0000: · Failed with errors in 1s\n'), { ca: undefined, pip: false });
    expect(describeError(berry).split('\n')[0]).toBe('yarn install failed: Error: is-number@npm:7.0.0: checksum mismatch (exit 1)');
  });
});

describe('pip requirements from pyproject.toml and lockfiles (the converter, run by the host python3)', () => {
  const convert = (name: string, text: string): string[] => {
    writeFileSync(join(dir, name), text);
    const out = join(dir, 'req.txt');
    const printed = execFileSync('python3', ['-c', pipRequirementsScript(), join(dir, name), out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    if (printed === join(dir, name)) return ['<as is>'];
    return readFileSync(out, 'utf8').split('\n').filter(Boolean);
  };
  it('says in one line which file could not be read', () => {
    writeFileSync(join(dir, 'uv.lock'), 'version = = 1\n');
    let stderr = '';
    try {
      execFileSync('python3', ['-c', pipRequirementsScript(), join(dir, 'uv.lock'), join(dir, 'req.txt')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      stderr = String((e as { stderr?: string }).stderr);
    }
    expect(stderr).toMatch(/^tfactory-prepare: uv\.lock could not be read as TOML: .+\n$/);
    const err = prepareFailure('pip install', failed(stderr, '', 3), { ca: undefined, pip: true });
    expect(describeError(err)).toMatch(/^pip install failed: uv\.lock could not be read as TOML: .+ \(exit 3\)\n {2}→ fix the dependency file named above/);
  });

  it('setup.cfg: install_requires and the test/dev extras, less what the image has', () => {
    const text = '[metadata]\nname = fx\n\n[options]\ninstall_requires =\n    tfx-alpha>=1\n    # a comment\n    pip>=1\n\n[options.extras_require]\ntesting =\n    tfx-beta\n    pytest>=99\ndocs = tfx-sphinxish\n';
    expect(convert('setup.cfg', text)).toEqual(['tfx-alpha>=1', 'tfx-beta']);
  });

  it('passes a requirements file through as it is', () => {
    expect(convert('requirements-dev.txt', 'six==1.16.0\n')).toEqual(['<as is>']);
  });
  it('uv.lock: the pinned registry packages, not the project itself', () => {
    const lock = 'version = 1\n\n[[package]]\nname = "fx"\nversion = "0.1.0"\nsource = { editable = "." }\n\n[[package]]\nname = "attrs"\nversion = "24.2.0"\nsource = { registry = "https://pypi.org/simple" }\n\n[[package]]\nname = "lib"\nversion = "0.1.0"\nsource = { virtual = "packages/lib" }\n';
    expect(convert('uv.lock', lock)).toEqual(['attrs==24.2.0']);
  });
  it('poetry.lock: pinned packages from the index, not VCS or local ones', () => {
    const lock = '[[package]]\nname = "six"\nversion = "1.16.0"\n\n[[package]]\nname = "mine"\nversion = "0.1"\n\n[package.source]\ntype = "git"\nurl = "https://example.invalid/mine.git"\n';
    expect(convert('poetry.lock', lock)).toEqual(['six==1.16.0']);
  });
  it('Pipfile.lock: default and develop pins', () => {
    expect(convert('Pipfile.lock', JSON.stringify({ default: { six: { version: '==1.16.0' } }, develop: { attrs: { version: '==24.2.0' } } }))).toEqual(['six==1.16.0', 'attrs==24.2.0']);
  });
  it("pyproject.toml: dependencies, test/dev extras and groups, Poetry tables; docs extras and the grader's own test tooling left out", () => {
    const text = [
      '[project]', 'name = "fx"', 'dependencies = ["tfx-alpha>=1"]',
      '[project.optional-dependencies]', 'test = ["tfx-beta", "pytest>=99", "pytest-cov"]', 'docs = ["tfx-sphinxish"]',
      '[dependency-groups]', 'dev = ["tfx-gamma", { include-group = "test" }]',
      '[tool.poetry.dependencies]', 'python = "^3.9"', 'tfx-delta = "^2.0"', 'tfx-local = { path = "../local" }',
      '[tool.poetry.group.test.dependencies]', 'tfx-epsilon = "*"', '',
    ].join('\n');
    expect(convert('pyproject.toml', text)).toEqual(['tfx-alpha>=1', 'tfx-beta', 'tfx-gamma', 'tfx-delta', 'tfx-epsilon']);
  });
});
