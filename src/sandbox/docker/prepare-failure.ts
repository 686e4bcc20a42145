import { TfError } from '../../errors.js';
import type { ExecResult } from '../port.js';

/** A known cause found in an installer's output, and what to do about it. */
interface Cause {
  test: RegExp;
  cause: (m: RegExpMatchArray) => string;
  hint: (ctx: { ca: string | undefined; pip: boolean }) => string;
}

const CAUSES: Cause[] = [
  {
    test: /(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_UNTRUSTED|self[- ]signed certificate in certificate chain|CERTIFICATE_VERIFY_FAILED|unable to get local issuer certificate)/i,
    cause: (m) => `TLS certificate not trusted (${m[1]})`,
    hint: ({ ca }) => (ca
      ? `the extra CA certificates from ${ca} were trusted and did not verify the server: set TFACTORY_CA_BUNDLE to the CA your proxy signs with (PEM)`
      : 'a proxy intercepts TLS: set TFACTORY_CA_BUNDLE to its CA certificate (PEM file or folder), or install that CA in /usr/local/share/ca-certificates'),
  },
  {
    test: /(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Name or service not known|Temporary failure in name resolution|Failed to establish a new connection|Network is unreachable)[^\n]*/,
    cause: (m) => `the package registry could not be reached (${m[1]})`,
    hint: ({ pip }) => (pip
      ? 'the prepare container has no route to the package index: run where it is reachable, or vendor the wheels and name them in the requirements file (./wheels/name-1.0-py3-none-any.whl)'
      : 'the prepare container has no route to the npm registry: check the Docker bridge network and the host\'s proxy, then run again'),
  },
  {
    test: /(No matching distribution found for [^\s]+)/,
    cause: (m) => m[1] ?? 'no matching distribution',
    hint: () => 'the package index does not offer that version (or was unreachable): check the pin, or vendor the wheel beside the requirements file',
  },
  {
    test: /(npm ci` can only install packages when your package\.json and package-lock\.json[^\n]*|ERR_PNPM_OUTDATED_LOCKFILE[^\n]*|Your lockfile needs to be updated[^\n]*|The lockfile would have been modified[^\n]*)/,
    cause: (m) => `the lockfile does not match package.json (${(m[1] ?? '').trim().slice(0, 160)})`,
    hint: () => 'commit a lockfile that matches package.json (run the package manager\'s install and commit the result)',
  },
  {
    test: /(E404|404 Not Found)[^\n]*/,
    cause: (m) => `a package was not found in the registry (${(m[0] ?? '').trim().slice(0, 160)})`,
    hint: () => 'a private registry is not reachable from the prepare container, or the lockfile names a package that was removed',
  },
  {
    test: /tfactory-prepare: ([^\n]+)/,
    cause: (m) => m[1] ?? 'the dependency file could not be read',
    hint: () => 'fix the dependency file named above, or commit a requirements.txt',
  },
];

/** Chatter that never explains a failure: npm's summary of the package manager it installed, warnings, stack frames. */
const NOISE = /^(added \d+ packages? in|A complete log of this run|at |npm warn|warning |\$ yarn |Failed with errors in|Done with warnings in)/;

/** The line of an installer's output that best says what went wrong: the last one naming an error, else the last one. */
function telling(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').replace(/^[➤\s]+(YN\d{4}:\s*)?[│└┌·\s]*/, '').trim()).filter((l) => l && !NOISE.test(l));
  return ([...lines].reverse().find((l) => /error|failed|not found|denied/i.test(l)) ?? lines.at(-1) ?? '').slice(0, 200);
}

/**
 * One-line PREPARE_FAILED for a failed install: `<tool> failed: <cause> (exit N)` and a hint with
 * what to do next; the output's tails stay in the error's details for the report and the log.
 */
export function prepareFailure(label: string, result: ExecResult, ctx: { ca: string | undefined; pip: boolean }): TfError {
  const output = `${result.stderr}\n${result.stdout}`;
  const ending = result.endReason === 'exited' ? `exit ${result.exitCode}` : result.endReason;
  const details = { exitCode: result.exitCode, endReason: result.endReason, stderr: result.stderr.slice(-4000), stdout: result.stdout.slice(-2000) };
  if (result.endReason === 'timeout') {
    return new TfError('PREPARE_FAILED', `${label} failed: it did not finish in time (${ending})`, { details, hint: 'the registry is slow or the dependencies are very large: run again, or install them locally and run tfactory in that checkout' });
  }
  if (result.endReason === 'disk-limit' || result.endReason === 'oom') {
    return new TfError('PREPARE_FAILED', `${label} failed: the install passed the prepare container's ${result.endReason === 'oom' ? 'memory' : 'disk'} limit (${ending})`, { details, hint: 'install the dependencies locally and run tfactory in that checkout (a local run reuses node_modules)' });
  }
  for (const c of CAUSES) {
    const m = output.match(c.test);
    if (m) return new TfError('PREPARE_FAILED', `${label} failed: ${c.cause(m)} (${ending})`, { details, hint: c.hint(ctx) });
  }
  const tail = telling(`${result.stdout}\n${result.stderr}`) || 'no output';
  return new TfError('PREPARE_FAILED', `${label} failed: ${tail} (${ending})`, { details, hint: 'the installer\'s output is in the log; fix what it names and run again (set TFACTORY_CA_BUNDLE if a proxy intercepts TLS)' });
}
