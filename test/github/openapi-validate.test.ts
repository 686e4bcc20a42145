import { describe, expect, it } from 'vitest';
import { findOperationTemplate, validateGithubRequest } from '../helpers/openapi-validate.js';

describe('openapi-validate helper', () => {
  it('finds operations by method and path template, preferring literal segments', () => {
    expect(findOperationTemplate('PATCH', '/repos/o/r/check-runs/7')).toBe('/repos/{owner}/{repo}/check-runs/{check_run_id}');
    expect(findOperationTemplate('GET', '/repos/o/r/contents/.github%2Ftfactory.yml?ref=x')).toBe('/repos/{owner}/{repo}/contents/{path}');
    expect(findOperationTemplate('POST', '/repos/o/r/issues/3/comments')).toBe('/repos/{owner}/{repo}/issues/{issue_number}/comments');
  });

  it('accepts a valid body and reports an invalid one', () => {
    expect(validateGithubRequest('POST', '/repos/o/r/check-runs', JSON.stringify({ name: 'TFactory', head_sha: 'abc', status: 'queued' }))).toEqual([]);
    expect(validateGithubRequest('POST', '/repos/o/r/check-runs', JSON.stringify({ name: 'TFactory', status: 'queued' })).join('\n')).toMatch(/head_sha/);
    expect(validateGithubRequest('POST', '/repos/o/r/check-runs', JSON.stringify({ name: 'T', head_sha: 'a', status: 'bogus' }))).not.toEqual([]);
    const tooMany = Array.from({ length: 51 }, () => ({ path: 'a', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'm' }));
    expect(validateGithubRequest('PATCH', '/repos/o/r/check-runs/1', JSON.stringify({ output: { title: 't', summary: 's', annotations: tooMany } }))).not.toEqual([]);
    expect(validateGithubRequest('GET', '/nope/nothing', undefined)).not.toEqual([]);
  });
});
