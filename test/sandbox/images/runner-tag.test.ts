import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeRunnerTag, defaultRunnerImagesDir, hashRunnerFolder, RUNNER_NAMES } from '../../../src/sandbox/images/runner-tag.js';

describe('runner image tags', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function copyImages(): string {
    const d = mkdtempSync(join(tmpdir(), 'tf-images-'));
    dirs.push(d);
    cpSync(defaultRunnerImagesDir(), d, { recursive: true });
    return d;
  }

  it('finds a Dockerfile with ARG BASE for every runner', () => {
    for (const name of RUNNER_NAMES) {
      const tag = computeRunnerTag(name, 'debian:bookworm-slim');
      expect(tag).toMatch(new RegExp(`^tfactory/runner-${name}:[0-9a-f]{12}$`));
    }
  });

  it('is stable for an unchanged folder and base', () => {
    const d = copyImages();
    expect(computeRunnerTag('python', 'debian:bookworm-slim', d)).toBe(computeRunnerTag('python', 'debian:bookworm-slim'));
  });

  it('changes when a file in the folder changes, and only for that runner', () => {
    const d = copyImages();
    const beforePy = hashRunnerFolder(join(d, 'python'), 'b');
    const beforeNode = hashRunnerFolder(join(d, 'node'), 'b');
    writeFileSync(join(d, 'python', 'Dockerfile'), '# changed\n', { flag: 'a' });
    expect(hashRunnerFolder(join(d, 'python'), 'b')).not.toBe(beforePy);
    expect(hashRunnerFolder(join(d, 'node'), 'b')).toBe(beforeNode);
  });

  it('changes with the base reference', () => {
    expect(computeRunnerTag('node', 'debian:bookworm-slim')).not.toBe(computeRunnerTag('node', 'tfactory/debian-bootstrap:bookworm'));
  });

  it('changes when a file is added', () => {
    const d = copyImages();
    const before = hashRunnerFolder(join(d, 'node'), 'b');
    writeFileSync(join(d, 'node', 'extra.txt'), 'x');
    expect(hashRunnerFolder(join(d, 'node'), 'b')).not.toBe(before);
  });
});
