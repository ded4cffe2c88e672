/**
 * Typed domain errors. They carry no HTTP status: shared/http/problem.ts maps them.
 * `detail` is shown to the caller, so it must never contain patient data or internals.
 */
// @ts-nocheck

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'tenant-suspended'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'precondition-required'
  | 'unsupported-media-type'
  | 'too-many-requests';

export interface FieldIssue {
  /** Where the problem is: `body.nationalId`, `query.limit`, `headers.if-match`. */
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(
    detail: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(detail);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

export class TenantSuspendedError extends DomainError {
  readonly kind = 'tenant-suspended' as const;
  constructor(readonly tenant: string, status: string) {
    super(`Kommunen ${tenant} er ${status === 'suspended' ? 'suspendert' : 'ikke aktiv'}; tjenesten er stengt for den.`, { tenant, tenantStatus: status });
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

/** The caller's If-Match no longer names the current version. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition-failed' as const;
}

/** A change was sent without If-Match. */
export class PreconditionRequiredError extends DomainError {
  readonly kind = 'precondition-required' as const;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = 'unsupported-media-type' as const;
}

/** Contention that outlasted the server's own retries; the caller may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends DomainError {
  readonly kind = 'too-many-requests' as const;
  constructor(
    detail: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(detail, { retryAfter: retryAfterSeconds });
  }
}
