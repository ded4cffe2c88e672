import { defineConfig } from 'vitest/config';

/**
 * Fault injection (`npm run test:faults`, issue 20 point 1), kept apart from `npm test` and run
 * after it by .ci/run: each file starts a DynamoDB Local of its own on a port of 8840-8849, which a
 * test may stop and start again; files run one after another so two JVMs never compete.
 */
export default defineConfig({
  test: {
    name: 'faults',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_ENABLED: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
