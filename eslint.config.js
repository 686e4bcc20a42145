// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Each third-party library lives inside its one adapter (DESIGN.md, habit 4).
 * The rest of the code sees our ports. `owner` is the folder allowed to import it.
 */
const adapters = [
  { name: 'dockerode', owner: 'src/sandbox/docker' },
  { name: 'simple-git', owner: 'src/git' },
  { name: '@anthropic-ai/sdk', owner: 'src/llm/anthropic' },
  { name: 'openai', owner: 'src/llm/openai' },
  { name: 'better-sqlite3', owner: 'src/runs/sqlite' },
  { name: 'pg', owner: 'src/runs/postgres' },
  { name: 'bullmq', owner: 'src/runs/queue' },
  { name: 'ioredis', owner: 'src/runs/queue' },
  { name: 'fast-xml-parser', owner: 'src/sandbox/results' },
  { name: '@modelcontextprotocol/sdk', owner: 'src/mcp' },
  { name: 'probot', owner: 'src/github' },
  { name: '@octokit/rest', owner: 'src/github' },
];

const restricted = (exceptOwner) =>
  adapters
    .filter((a) => a.owner !== exceptOwner)
    .map((a) => ({
      // Anchored, so our own relative paths (./openai/…) never match a package name.
      regex: `^${a.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`,
      message: `${a.name} is only imported inside ${a.owner}/ (its adapter); use our port instead.`,
    }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'coverage/**', 'runner-images/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: restricted(null) }] },
  },
  ...adapters.map((a) => ({
    files: [`${a.owner}/**/*.ts`, ...(a.owner === 'src/github' ? ['src/index.ts'] : [])],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: restricted(a.owner).filter((p) => !(a.owner === 'src/github' && (p.regex.startsWith('^@octokit') || p.regex.startsWith('^probot')))) },
      ],
    },
  })),
);
