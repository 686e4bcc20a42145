import { z } from 'zod';
import { LANGUAGES } from '../languages/types.js';

/** The one default and the one cap of a run's planned tests (repo config, CLI flag, planner). */
export const DEFAULT_MAX_TESTS = 30;
export const MAX_TESTS_LIMIT = 100;
/** Identical runs per test (repo config `stabilityRuns`, CLI `--stability`). */
export const STABILITY_RUNS = { min: 1, max: 10, default: 3 } as const;
/** The languages a repo config may restrict a run to: every language a plug-in owns. */
export const RUN_LANGUAGES = LANGUAGES;

/** A repo-relative folder: no absolute path, no `..` (a test is never written outside the checkout). */
export const TestPathSchema = z
  .string()
  .trim()
  .min(1)
  .refine((p) => !/^([a-zA-Z]:)?[\\/]/.test(p) && !p.split(/[\\/]/).includes('..'), 'must be a folder inside the repository (relative, without "..")');

