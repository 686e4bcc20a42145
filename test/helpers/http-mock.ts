import nock from 'nock';
import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Hermetic HTTP for a test file (DESIGN.md, habit 8): no real network, and every mock must be used.
 * Call once at the top level of a test file that mocks GitHub or Anthropic.
 */
export function useHttpMocks(): void {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending, 'every HTTP mock must be used').toEqual([]);
  });
}
