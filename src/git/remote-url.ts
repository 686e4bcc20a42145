/**
 * Where a GitHub repository is cloned from and pushed to, on GitHub.com and on GitHub Enterprise
 * Server. The git host follows the REST base Probot was given (`GHE_HOST`/`GHE_PROTOCOL` make it
 * `<protocol>://<host>/api/v3`); a repository's `clone_url` from the API is used when it is on that
 * host, so the installation token is never sent anywhere else.
 */

export const GITHUB_GIT_BASE = 'https://github.com';

/** The git host of a REST base: `https://api.github.com` → `https://github.com`; `<origin>/api/v3` (GHES) → `<origin>`. */
export function gitBaseFromApiBase(apiBaseUrl: string | undefined): string {
  if (!apiBaseUrl) return GITHUB_GIT_BASE;
  const trimmed = apiBaseUrl.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return GITHUB_GIT_BASE;
  }
  if (url.hostname === 'api.github.com') return GITHUB_GIT_BASE;
  const path = url.pathname.replace(/\/api\/v3$/, '').replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** `GHE_PROTOCOL://GHE_HOST` when GHE_HOST is set (Probot's own variables), else undefined. */
export function gitBaseFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const host = env.GHE_HOST?.trim();
  if (!host) return undefined;
  const protocol = (env.GHE_PROTOCOL?.trim() || 'https').replace(/:$/, '');
  return `${protocol}://${host.replace(/\/+$/, '')}`;
}

function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

/**
 * The remote of `owner/repo`: the API's `clone_url` when it is on the git host (same protocol, host
 * and port), else `<gitBase>/<owner>/<repo>.git`.
 */
export function repoRemoteUrl(gitBaseUrl: string, fullName: string, cloneUrl?: string | null): string {
  const base = gitBaseUrl.replace(/\/+$/, '');
  if (cloneUrl) {
    const host = hostOf(cloneUrl);
    if (host !== undefined && host === hostOf(base) && !/\/\/[^/]*@/.test(cloneUrl)) return cloneUrl;
  }
  return `${base}/${fullName}.git`;
}
