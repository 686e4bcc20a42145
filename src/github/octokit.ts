import type { ProbotOctokit } from 'probot';

/** An installation-authenticated client, as Probot hands it to handlers. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/** Returns a client for an installation (Probot: `app.auth(installationId)`). */
export type InstallationAuth = (installationId: number) => Promise<Octokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}
