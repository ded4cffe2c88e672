// Mutation testing of the rules that matter most (issue 20, point 4): `npm run test:mutation`.
// Not in .ci/run (minutes on 2 cores); the scores of the last run are in docs/testing.md.
// One file at a time is quicker on a loaded machine: npx stryker run --mutate functions/core/merkle.ts
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mts', related: false },
  mutate: [
    'functions/core/access-decision.ts',
    'shared/contracts/identifiers.ts',
    'shared/http/etag.ts',
    // The idempotency record's address, content, expiry and condition (its section of commit.ts);
    // the replay path reads DynamoDB and is covered by the integration tests, too slow per mutant.
    'functions/core/commit.ts:121-185',
    'functions/core/commit.ts:200-218',
    // The audit chain's stored format, its verifier and the Merkle tree over stream heads; of the
    // chain writer, the shard choice (the rest of audit-chain.ts is DynamoDB I/O, covered by the
    // integration and fault tests, far too slow per mutant).
    'functions/core/chain-format.ts',
    'functions/core/chain-verify.ts',
    'functions/core/merkle.ts',
    'functions/core/audit-chain.ts:136-171',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress'],
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
