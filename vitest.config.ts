import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // LanceDB's native module and the loopback fakes are happiest in forked processes.
    pool: 'forks',
  },
});
