/**
 * Failures of a backing service (DynamoDB, KMS, the local keystore) that say "not now" rather than
 * "no": the service could not be reached, timed out, was throttled or failed internally. A request
 * that meets one after the SDK's own retries is answered 503 with Retry-After (shared/http/problem.ts),
 * never 500, and never treated as a refusal (a key service that is down is not a wrong key).
 */

/** AWS error names (DynamoDB, KMS, STS) that mean the service is busy or failing, not that the request is wrong. */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionInProgressException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'LimitExceededException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'KeyServiceUnavailableError',
]);

/** Node's socket and system errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, EIO, ...). */
const SYSTEM_CODE = /^E[A-Z]{2,}$/;

/** Cancellation reasons of a transaction that the store gives when it is overloaded. */
const TRANSIENT_CANCEL_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);

/** True when `error` is a backing service's "not now" (see the module comment). */
export function isTransientFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number }; CancellationReasons?: { Code?: string }[]; cause?: unknown };
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && SYSTEM_CODE.test(e.code)) return true;
  if (typeof e.$metadata?.httpStatusCode === 'number' && e.$metadata.httpStatusCode >= 500) return true;
  if (e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => TRANSIENT_CANCEL_REASONS.has(r.Code ?? ''))) return true;
  return e.cause !== undefined && e.cause !== error && isTransientFailure(e.cause);
}
