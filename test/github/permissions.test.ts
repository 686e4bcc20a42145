import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { checkTriggerPermission, renderRefusal } from '../../src/github/permissions.js';
import { github, useGithubMocks } from './harness.js';

useGithubMocks();

const PERMISSION = '/repos/Codertocat/Hello-World/collaborators/octocat/permission';
const octokit = (): InstanceType<typeof ProbotOctokit> => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } });
const target = (over: { association?: string } = {}) => ({ owner: 'Codertocat', repo: 'Hello-World', username: 'octocat', allowedAssociations: ['OWNER', 'MEMBER'] as const, ...over });

function permissionReply(permission: string, roleName: string | null) {
  return { permission, role_name: roleName, user: null };
}

describe('checkTriggerPermission', () => {
  it('allows an author association the repo config lists without asking GitHub', async () => {
    expect(await checkTriggerPermission(octokit(), target({ association: 'MEMBER' }))).toEqual({ allowed: true, via: 'association' });
  });

  it.each([
    ['admin', 'admin'],
    ['write', 'write'],
    ['write', null],
    ['read', 'maintain'],
    ['read', 'write'],
  ])('allows permission %s with role %s (either field may carry write access)', async (permission, role) => {
    github().get(PERMISSION).reply(200, permissionReply(permission, role));
    expect(await checkTriggerPermission(octokit(), target({ association: 'CONTRIBUTOR' }))).toEqual({ allowed: true, via: 'permission' });
  });

  it('refuses read access, naming the role GitHub reports', async () => {
    github().get(PERMISSION).reply(200, permissionReply('read', 'triage'));
    expect(await checkTriggerPermission(octokit(), target())).toEqual({ allowed: false, permission: 'triage' });
  });

  it('refuses a user who is not a collaborator (404)', async () => {
    github().get(PERMISSION).reply(404, { message: 'Not Found' });
    expect(await checkTriggerPermission(octokit(), target({ association: 'NONE' }))).toEqual({ allowed: false, permission: 'none' });
  });

  it('lets any other API failure through', async () => {
    github().get(PERMISSION).reply(500, { message: 'boom' });
    await expect(checkTriggerPermission(octokit(), target())).rejects.toMatchObject({ status: 500 });
  });
});

describe('renderRefusal', () => {
  it('thanks the user by name and says who can start a run', () => {
    const text = renderRefusal('contributor');
    expect(text).toMatch(/^Thanks for your interest, @contributor!/);
    expect(text).toContain('write access');
    expect(text).toContain('`/tfactory run`');
  });
});
