/** Where the dashboard lives, on the App's server and under `tfactory serve` alike. */
export const DASHBOARD_BASE = '/tfactory';

/** A run page's address from TFACTORY_PUBLIC_URL (check run, PR comment, MCP); undefined without one. */
export function runPageUrl(publicUrl: string | undefined, runId: string): string | undefined {
  const base = publicUrl?.trim().replace(/\/+$/, '');
  if (!base || !/^https?:\/\/[^/\s]+/.test(base)) return undefined;
  return `${base}${DASHBOARD_BASE}/runs/${encodeURIComponent(runId)}`;
}
