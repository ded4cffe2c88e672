import { defineConfig } from 'vitest/config';

/**
 * The unit tests Stryker runs against the mutated rules (npm run test:mutation): only the tests
 * of the access decision, identifiers, ETags and idempotency, so a run stays within minutes.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/journal-access-decision.test.ts',
      'test/unit/access-decision-*.test.ts',
      'test/unit/sharing-decision-table.test.ts',
      'test/unit/identifiers*.test.ts',
      'test/unit/etag.test.ts',
      'test/unit/journal-helpers.test.ts',
      'test/unit/idempotency*.test.ts',
    ],
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
