import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores on CI: keep workers at 2 so the VM suite and property tests do not starve.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 900_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
