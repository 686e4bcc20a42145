// The stamp of the last successful `npm run build`, which scripts/setup.sh compares with src/ to skip
// an up-to-date build. `prebuild` runs `start` (a marker with the build's start time: a file saved
// during the build is newer, so the next set-up builds again); `postbuild`, which npm runs only
// when tsc succeeded, runs `done` (the marker becomes the stamp). A failed build leaves the old stamp.
import { closeSync, mkdirSync, openSync, renameSync, utimesSync } from 'node:fs';

const STARTED = 'dist/.tfactory-build-started';
const STAMP = 'dist/.tfactory-build-stamp';

const step = process.argv[2];
if (step === 'start') {
  mkdirSync('dist', { recursive: true });
  closeSync(openSync(STARTED, 'a'));
  const now = new Date();
  utimesSync(STARTED, now, now);
} else if (step === 'done') {
  renameSync(STARTED, STAMP);
} else {
  console.error('usage: node scripts/build-stamp.mjs start|done');
  process.exitCode = 2;
}
