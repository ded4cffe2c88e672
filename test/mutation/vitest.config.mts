import { defineConfig } from 'vitest/config';

/**
 * The unit tests Stryker runs against the mutated rules (npm run test:mutation): only the tests
 * of the access decision, identifiers, ETags, idempotency and the audit chain, so a run stays within minutes.
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
      // The audit chain, its verify and the Merkle tree (chain-format, chain-verify, merkle, audit-chain).
      'test/unit/audit-chain*.test.ts',
      'test/unit/audit-merkle*.test.ts',
      'test/unit/audit-shard-choice.test.ts',
      'test/unit/canonical-json.test.ts',
    ],
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
