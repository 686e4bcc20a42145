import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignIds } from '../../src/criteria/assign-ids.js';
import { parseAcsFromMarkdown, SPEC_FILE_OPTIONS } from '../../src/criteria/parse-acs.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'specs');

function acsOf(fixture: string): Array<{ id: string; text: string; syntax: string; line: number }> {
  const text = readFileSync(join(FIXTURES, fixture), 'utf8');
  const raw = parseAcsFromMarkdown(text, fixture, SPEC_FILE_OPTIONS);
  return assignIds(raw).map((a) => ({ id: a.id, text: a.text, syntax: a.syntax, line: a.source.line }));
}

describe('parseAcsFromMarkdown', () => {
  it('reads tagged bullets (`**AC#n** — text`) with continuation lines, not the Out of Scope list', () => {
    expect(acsOf('aifactory/login-rate-limit/spec.md')).toEqual([
      { id: 'AC#1', syntax: 'tagged', line: 12, text: 'After 5 failed attempts within 10 minutes, `login()` rejects further attempts for that user with `RateLimited`.' },
      { id: 'AC#2', syntax: 'tagged', line: 13, text: 'A successful login resets the failure counter to zero.' },
      { id: 'AC#3', syntax: 'tagged', line: 14, text: 'The lockout lasts 15 minutes, after which a correct password is accepted again. The clock is injected, so tests can move time forward.' },
    ]);
  });

  it('reads `AC#n: text` lines without bullets and with them, under "## Acceptance"', () => {
    expect(acsOf('aifactory/discount-rules/spec.md')).toEqual([
      { id: 'AC#1', syntax: 'tagged', line: 7, text: '`apply_discount(price, pct)` returns the price reduced by `pct` percent, rounded to cents.' },
      { id: 'AC#2', syntax: 'tagged', line: 8, text: 'A percentage above 100 raises `ValueError`.' },
      { id: 'AC#3', syntax: 'tagged', line: 9, text: 'A negative price raises `ValueError`.' },
    ]);
  });

  it('numbers untagged bullets (-, *, 1.) by order and ignores the intro sentence', () => {
    expect(acsOf('aifactory/cart-totals/spec.md')).toEqual([
      { id: 'AC#1', syntax: 'bullet', line: 7, text: 'The total of an empty cart is 0.' },
      { id: 'AC#2', syntax: 'bullet', line: 8, text: 'The total sums `price * quantity` over all lines. Quantities are whole numbers.' },
      { id: 'AC#3', syntax: 'bullet', line: 10, text: 'A line with quantity 0 is ignored.' },
      { id: 'AC#4', syntax: 'bullet', line: 12, text: 'Totals are rounded to 2 decimals.' },
    ]);
  });

  it('reads checklists under "## Requirements", checked or not', () => {
    expect(acsOf('aifactory/checkout-checklist/spec.md').map((a) => [a.id, a.syntax, a.line, a.text])).toEqual([
      ['AC#1', 'checklist', 5, 'Checkout refuses an empty cart with `EmptyCart`.'],
      ['AC#2', 'checklist', 6, 'Checkout charges the payment provider exactly once.'],
      ['AC#3', 'checklist', 7, 'A declined card leaves the order in state `payment_failed`.'],
    ]);
  });

  it('reads one AC per Gherkin scenario, keeping a scenario tag as the id', () => {
    expect(acsOf('aifactory/gherkin-login/spec.md')).toEqual([
      { id: 'AC#1', syntax: 'gherkin', line: 8, text: 'Valid credentials: Given a user "ann" with password "s3cret"; When she logs in with "s3cret"; Then she gets a session token' },
      { id: 'AC#7', syntax: 'gherkin', line: 14, text: 'Wrong password: Given a user "ann" with password "s3cret"; When she logs in with "nope"; Then the login is rejected; And no session is created' },
    ]);
  });

  it('reads one AC per EARS "shall" sentence, across lines and paragraphs', () => {
    expect(acsOf('aifactory/ears-thermostat/spec.md')).toEqual([
      { id: 'AC#1', syntax: 'ears', line: 5, text: 'The thermostat shall read the temperature every 10 seconds.' },
      { id: 'AC#2', syntax: 'ears', line: 5, text: 'When the temperature drops below the set point, the system shall switch the heater on.' },
      { id: 'AC#3', syntax: 'ears', line: 6, text: 'While the heater is on, the system shall log each reading.' },
      { id: 'AC#4', syntax: 'ears', line: 8, text: 'If the sensor returns no value, then the system shall keep the previous state.' },
    ]);
  });

  it('falls back to tagged lines, scenarios and EARS anywhere when no acceptance heading exists', () => {
    const text = '# Notes\n\nSome prose.\n\n- a plain bullet that is not a criterion\n- AC#2: tagged anywhere\n\nThe API shall return 404 for unknown ids.\n';
    const raw = parseAcsFromMarkdown(text, 'x.md', SPEC_FILE_OPTIONS);
    expect(assignIds(raw).map((a) => [a.id, a.syntax, a.text])).toEqual([
      ['AC#2', 'tagged', 'tagged anywhere'],
      ['AC#3', 'ears', 'The API shall return 404 for unknown ids.'],
    ]);
  });
  it('reads AC-tagged sub-headings, and ignores checklists inside HTML comments (PR templates)', () => {
    const text = '## Acceptance Criteria\n\n### AC#4: Lockout ends\n\nAfter 15 minutes.\n\n<!--\n- [ ] template item\n-->\n- [ ] real item\n';
    const raw = parseAcsFromMarkdown(text, 'pr', SPEC_FILE_OPTIONS);
    expect(assignIds(raw).map((a) => [a.id, a.syntax, a.source.line, a.text])).toEqual([
      ['AC#4', 'tagged', 3, 'Lockout ends'],
      ['AC#2', 'checklist', 10, 'real item'],
    ]);
  });
});

describe('assignIds', () => {
  it('keeps tags, numbers the rest by position around them, and suffixes a repeated tag', () => {
    const raw = [
      { text: 'a', syntax: 'bullet' as const, path: 'p', line: 1 },
      { tag: 'AC#2', text: 'b', syntax: 'tagged' as const, path: 'p', line: 2 },
      { text: 'c', syntax: 'bullet' as const, path: 'p', line: 3 },
      { tag: 'AC#2', text: 'd', syntax: 'tagged' as const, path: 'p', line: 4 },
    ];
    expect(assignIds(raw).map((a) => a.id)).toEqual(['AC#1', 'AC#2', 'AC#3', 'AC#2.2']);
  });
});
