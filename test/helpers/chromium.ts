import { existsSync } from 'node:fs';

/** Debian's Chromium (scripts/setup.sh installs it), or CHROMIUM_PATH. Never a downloaded browser. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p));
}

/**
 * Browser tests run against the real Chromium. Locally, without it, they skip loudly; in CI
 * (CI=true) a missing browser is a failure, never a silent skip (as requireDocker).
 */
export function requireChromium(): string | undefined {
  const path = chromiumPath();
  if (!path) {
    if (process.env.CI === 'true') {
      throw new Error('CI=true and no Chromium was found (/usr/bin/chromium): browser tests must not skip in CI. Run scripts/setup.sh first.');
    }
    console.warn('\n*** SKIPPING browser tests: no Chromium found. Run scripts/setup.sh (apt-get install chromium) or set CHROMIUM_PATH. ***\n');
  }
  return path;
}
