import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The package root (works from src/ under vitest and from dist/ when built). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const TFACTORY_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
