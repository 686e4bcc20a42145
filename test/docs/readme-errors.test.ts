import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

describe('the README error table', () => {
  it('lists every error code TFactory can print, with a fix', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors: codes, meanings and fixes'), readme.indexOf('## Configuration (environment)'));
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const listed = new Set(rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])));
    expect([...Object.keys(ERROR_CODES)].filter((c) => !listed.has(c))).toEqual([]);
    for (const row of rows) expect((row.split('|')[3] ?? '').trim().length, row).toBeGreaterThan(5);
  });
});
