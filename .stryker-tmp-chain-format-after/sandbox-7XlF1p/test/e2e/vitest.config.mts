// @ts-nocheck
import { defineConfig } from 'vitest/config';

/**
 * Browser tests (`npm run test:e2e`), kept apart from `npm test`: one `npm start` stack for the
 * run (global setup), Debian's Chromium driven by playwright-core, files one after another.
 */
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
