import { describe, expect, it } from 'vitest';
import { createIssueReader } from '../../src/github/issue-reader.js';
import type { Octokit } from '../../src/github/octokit.js';
import { createTestApp, examplePayload, github, mockInstallationToken, sentRequests, useGithubMocks } from './harness.js';

useGithubMocks();

async function reader() {
  const app = await createTestApp();
  return createIssueReader((id) => app.probot.auth(id) as Promise<Octokit>)(1);
}

describe('createIssueReader', () => {
  it('reads a linked issue through GET /repos/{owner}/{repo}/issues/{n} as the installation, body capped', async () => {
    const issue = examplePayload('issues', 'opened').issue;
    Object.assign(issue, { number: 12, title: 'Heavy parcels cost the same as light ones', body: `Shipping should depend on weight.\n${'x'.repeat(30_000)}` });
    const scope = github();
    mockInstallationToken(scope);
    scope.get('/repos/acme/shop/issues/12').reply(200, issue);
    const read = await reader();
    const got = await read({ owner: 'acme', repo: 'shop', number: 12 });
    expect(got?.title).toBe('Heavy parcels cost the same as light ones');
    expect(got?.body?.startsWith('Shipping should depend on weight.\n')).toBe(true);
    expect(got?.body).toHaveLength(20_000);
    expect(sentRequests().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /app/installations/1/access_tokens', 'GET /repos/acme/shop/issues/12']);
  });

  it('an issue that is gone or not visible is undefined; other failures are thrown for the run to note', async () => {
    const scope = github();
    mockInstallationToken(scope);
    scope.get('/repos/acme/other/issues/3').reply(404, { message: 'Not Found' });
    scope.get('/repos/acme/shop/issues/4').reply(410, { message: 'This issue was deleted' });
    scope.get('/repos/acme/shop/issues/5').reply(500, { message: 'Server Error' });
    const read = await reader();
    expect(await read({ owner: 'acme', repo: 'other', number: 3 })).toBeUndefined();
    expect(await read({ owner: 'acme', repo: 'shop', number: 4 })).toBeUndefined();
    await expect(read({ owner: 'acme', repo: 'shop', number: 5 })).rejects.toMatchObject({ status: 500 });
  });

  it('an issue with no body gives its title only', async () => {
    const issue = examplePayload('issues', 'opened').issue;
    Object.assign(issue, { number: 6, title: 'Totals are rounded wrong', body: null });
    const scope = github();
    mockInstallationToken(scope);
    scope.get('/repos/acme/shop/issues/6').reply(200, issue);
    expect(await (await reader())({ owner: 'acme', repo: 'shop', number: 6 })).toEqual({ title: 'Totals are rounded wrong' });
  });
});
