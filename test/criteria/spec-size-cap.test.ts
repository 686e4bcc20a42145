import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selectSpec } from '../../src/criteria/index.js';
import { MAX_SPEC_BYTES } from '../../src/criteria/read-repo-file.js';
import { describeError } from '../../src/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tf-spec-cap-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const SMALL = '# Rates\n\n## Acceptance Criteria\n- **AC#1** — A parcel costs 5.\n';
const big = (bytes: number) => `# Big\n\n${'x'.repeat(bytes)}\n`;

describe('spec size cap', () => {
  it('a spec.md over the cap is named with its size and the cap, not reported as "no spec found"', async () => {
    const dir = checkout({ '.aifactory/specs/huge/spec.md': big(1_400_000) });
    const err: unknown = await selectSpec({ dir }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'SPEC_INVALID', details: { path: '.aifactory/specs/huge/spec.md', size: 1_400_008, cap: MAX_SPEC_BYTES } });
    const line = describeError(err).split('\n');
    expect(line[0]).toBe('.aifactory/specs/huge/spec.md is 1.4 MB (1400008 bytes), over the 1 MB cap for spec files; it was not read');
    expect(line[1]).toContain('shorten .aifactory/specs/huge/spec.md');
  });

  it('a spec at the cap is read; an oversized spec nobody chose does not stop another', async () => {
    const atCap = checkout({ '.aifactory/specs/edge/spec.md': `${SMALL}${'y'.repeat(MAX_SPEC_BYTES - Buffer.byteLength(SMALL))}` });
    expect((await selectSpec({ dir: atCap })).spec.acs).toHaveLength(1);
    const two = checkout({ '.aifactory/specs/huge/spec.md': big(1_200_000), '.aifactory/specs/rates/spec.md': SMALL });
    const sel = await selectSpec({ dir: two, explicitId: 'rates' });
    expect(sel.spec.id).toBe('rates');
    expect(sel.candidates).toEqual(['huge', 'rates']);
  });

  it('an optional file over the cap (plan JSON, Agent OS tasks.md) is left out with a warning', async () => {
    const dir = checkout({ '.aifactory/specs/rates/spec.md': SMALL, '.aifactory/specs/rates/implementation_plan.json': `{"a":"${'z'.repeat(1_100_000)}"}` });
    const sel = await selectSpec({ dir });
    expect(sel.spec.acs).toHaveLength(1);
    expect(sel.spec.warnings).toEqual([expect.stringMatching(/^\.aifactory\/specs\/rates\/implementation_plan\.json is 1\.1 MB \(1100008 bytes\), over the 1 MB cap for spec files; it was not read \(ignored\)$/)]);
  });
});
