import type { HttpResult } from '../../shared/http/handler';
import type { WriteOutcome } from '../core/commit';
import { etagOf } from './etag';

/** A write's HTTP answer: 201 + Location when created, else 200; the ETag names the new version. */
export function writeResult<T>(outcome: WriteOutcome<T>, location?: string): HttpResult {
  return {
    status: outcome.created ? 201 : 200,
    body: outcome.value,
    headers: { etag: etagOf(outcome.version), ...(outcome.created && location ? { location } : {}) },
  };
}

/** A read's HTTP answer with the version's ETag. */
export function readResult(value: unknown, version: number): HttpResult {
  return { status: 200, body: value, headers: { etag: etagOf(version) } };
}
