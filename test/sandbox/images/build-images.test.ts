import { describe, expect, it } from 'vitest';
import { isTfError } from '../../../src/errors.js';
import type { BuildOptions, ImageEngine } from '../../../src/sandbox/images/engine.js';
import { buildRunnerImages } from '../../../src/sandbox/images/build-images.js';
import { listRunnerImages, requireRunnerImage, runnerImageRef } from '../../../src/sandbox/images/runner-image-ref.js';
import { BOOTSTRAP_BASE, computeRunnerTag, DEFAULT_BASE } from '../../../src/sandbox/images/runner-tag.js';
import { selectBase } from '../../../src/sandbox/images/select-base.js';

/** An in-memory engine: records builds, pulls and imports. */
function fakeEngine(present: string[], opts: { pullWorks?: boolean } = {}) {
  const images = new Set(present);
  const calls = { builds: [] as Array<Omit<BuildOptions, 'context'>>, pulls: [] as string[], imports: [] as string[] };
  const engine: ImageEngine = {
    ping: async () => undefined,
    imageExists: async (ref) => images.has(ref),
    listTags: async (repo) => [...images].filter((i) => i.startsWith(`${repo}:`)).sort(),
    tryPull: async (ref) => {
      calls.pulls.push(ref);
      if (opts.pullWorks) images.add(ref);
      return Boolean(opts.pullWorks);
    },
    build: async ({ context, ...rest }, onLine) => {
      context.resume();
      calls.builds.push(rest);
      images.add(rest.tag);
      onLine('Step 1/1');
    },
    importRootfs: async (_tar, ref) => {
      calls.imports.push(ref);
      images.add(ref);
    },
  };
  return { engine, calls, images };
}

describe('base selection', () => {
  it('uses --base as given', async () => {
    const { engine, calls } = fakeEngine([]);
    expect(await selectBase({ engine, base: 'my/base:1' })).toEqual({ ref: 'my/base:1', source: 'given' });
    expect(calls.pulls).toEqual([]);
  });

  it('prefers a local debian:bookworm-slim', async () => {
    const { engine } = fakeEngine([DEFAULT_BASE, BOOTSTRAP_BASE]);
    expect((await selectBase({ engine })).source).toBe('local');
  });

  it('pulls debian:bookworm-slim when the registry answers', async () => {
    const { engine } = fakeEngine([BOOTSTRAP_BASE], { pullWorks: true });
    expect(await selectBase({ engine })).toEqual({ ref: DEFAULT_BASE, source: 'pulled' });
  });

  it('reuses the debootstrap image when no registry is reachable', async () => {
    const { engine } = fakeEngine([BOOTSTRAP_BASE]);
    expect(await selectBase({ engine })).toEqual({ ref: BOOTSTRAP_BASE, source: 'bootstrap-existing' });
  });

  it('bootstraps when nothing else is there', async () => {
    const { engine, calls } = fakeEngine([]);
    const bootstrapped: string[] = [];
    const choice = await selectBase({ engine, bootstrap: async (_e, ref) => { bootstrapped.push(ref); } });
    expect(choice).toEqual({ ref: BOOTSTRAP_BASE, source: 'bootstrap-built' });
    expect(bootstrapped).toEqual([BOOTSTRAP_BASE]);
    expect(calls.pulls).toEqual([DEFAULT_BASE]);
  });
});

describe('buildRunnerImages', () => {
  it('builds missing images with BASE and labels, then reuses them', async () => {
    const { engine, calls } = fakeEngine([BOOTSTRAP_BASE]);
    const lines: string[] = [];
    const first = await buildRunnerImages({ engine, onLine: (l) => lines.push(l) });
    expect(first.base.source).toBe('bootstrap-existing');
    expect(first.images.map((i) => i.built)).toEqual([true, true]);
    expect(calls.builds.map((b) => b.buildArgs)).toEqual([{ BASE: BOOTSTRAP_BASE }, { BASE: BOOTSTRAP_BASE }]);
    expect(calls.builds[0]?.labels['tfactory.runner']).toBe('python');
    expect(calls.builds[0]?.tag).toBe(computeRunnerTag('python', BOOTSTRAP_BASE));
    expect(lines).toContain('[python] Step 1/1');
    const second = await buildRunnerImages({ engine });
    expect(second.images.map((i) => i.built)).toEqual([false, false]);
    expect(calls.builds).toHaveLength(2);
  });

  it('runnerImageRef returns the tag the build produced', async () => {
    const { engine } = fakeEngine([BOOTSTRAP_BASE]);
    const { images } = await buildRunnerImages({ engine, names: ['node'] });
    expect(await runnerImageRef('node', { engine })).toBe(images[0]?.ref);
    const status = await listRunnerImages({ engine });
    expect(status.map((s) => [s.name, s.current])).toEqual([['python', false], ['node', true]]);
  });

  it('requireRunnerImage throws IMAGE_MISSING with the build hint', async () => {
    const { engine } = fakeEngine([]);
    const err = await requireRunnerImage('python', { engine }).catch((e: unknown) => e);
    expect(isTfError(err, 'IMAGE_MISSING')).toBe(true);
    expect((err as { hint?: string }).hint).toMatch(/tfactory images build/);
  });
});
