import type { ProbotOctokit } from 'probot';

/** An installation-authenticated client, as Probot hands it to handlers. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/** Returns a client for an installation (Probot: `app.auth(installationId)`). */
export type InstallationAuth = (installationId: number) => Promise<Octokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The REST base Probot was configured with (`GHE_HOST`/`GHE_PROTOCOL`, or `baseUrl`): `https://api.github.com` by default. */
export async function apiBaseOf(app: { auth(): Promise<unknown> }): Promise<string> {
  const octokit = (await app.auth()) as { request?: { endpoint?: { DEFAULTS?: { baseUrl?: string } } } };
  return octokit.request?.endpoint?.DEFAULTS?.baseUrl ?? 'https://api.github.com';
}
