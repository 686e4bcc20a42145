import { describe, expect, it } from 'vitest';
import { buildAcLedger } from '../../src/report/ac-ledger.js';
import { reportTest, SAMPLE_ACS } from '../fakes/reports.js';

const [AC1, AC2, AC3] = SAMPLE_ACS;

describe('buildAcLedger', () => {
  it('verifies a criterion an accepted test cites, listing only the accepted tests', () => {
    const ledger = buildAcLedger(SAMPLE_ACS, [
      reportTest('test_a', { acIds: ['AC#1'] }),
      reportTest('test_b', { acIds: ['AC#1'], verdict: 'flag' }),
      reportTest('test_c', { acIds: ['AC#1', 'AC#2'] }),
    ]);
    expect(ledger.map((a) => [a.id, a.status, a.tests])).toEqual([
      ['AC#1', 'verified', ['tests/test_pricing.py::test_a', 'tests/test_pricing.py::test_c']],
      ['AC#2', 'verified', ['tests/test_pricing.py::test_c']],
      ['AC#3', 'unverified', []],
    ]);
  });

  it('flags a criterion only flagged tests cite, and ignores rejected and errored tests', () => {
    const ledger = buildAcLedger(SAMPLE_ACS, [
      reportTest('test_flag', { acIds: ['AC#2'], verdict: 'flag' }),
      reportTest('test_reject', { acIds: ['AC#2', 'AC#3'], verdict: 'reject' }),
      reportTest('test_error', { acIds: ['AC#3'], verdict: 'error' }),
    ]);
    expect(ledger.map((a) => [a.id, a.status, a.tests])).toEqual([
      ['AC#1', 'unverified', []],
      ['AC#2', 'flagged', ['tests/test_pricing.py::test_flag']],
      ['AC#3', 'unverified', []],
    ]);
  });

  it('keeps the criteria in spec order with their text and source', () => {
    const ledger = buildAcLedger([AC3!, AC1!], []);
    expect(ledger).toEqual([
      { id: 'AC#3', text: AC3!.text, status: 'unverified', tests: [], source: AC3!.source },
      { id: 'AC#1', text: AC1!.text, status: 'unverified', tests: [], source: AC1!.source },
    ]);
    expect(buildAcLedger([AC2!], [reportTest('t', { acIds: ['AC#9'] })])[0]?.status).toBe('unverified');
  });
});
