export type Language = 'python' | 'typescript' | 'javascript';
export type TestFramework = 'pytest' | 'unittest' | 'vitest' | 'jest';
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'pip' | 'none';

/** What TFactory knows about one language's project inside the checkout. */
export interface LanguageProfile {
  language: Language;
  framework: TestFramework;
  packageManager: PackageManager;
  /** Repo-relative folder the project lives in ('' or '.' for the root). */
  root: string;
  /** Where tests live, repo-relative (e.g. `tests`, `src/__tests__`). */
  testDir: string;
  /** 'flat' or 'src' for Python; for TS/JS always 'flat'. */
  layout: 'flat' | 'src';
  /** File name for a new test of `module` (e.g. `test_pricing.py`, `pricing.test.ts`). */
  testFileNamePattern: string;
  /** The lockfile whose hash keys the dependency cache, if any. */
  lockfile?: string;
  /** Changed files (repo-relative) that this profile covers. */
  files: string[];
}
