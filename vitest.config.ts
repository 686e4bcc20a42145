import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Docker-backed tests share one engine on a 2-core machine: keep file parallelism modest.
    maxWorkers: 2,
  },
});
