import { DomainError, TooManyRequestsError, ValidationError, type DomainErrorKind } from '../errors';
import { isTransientFailure } from '../transient';
import { englishDetail, englishFieldMessage } from './problem-en';

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const byKind: Record<DomainErrorKind, { status: number; title: string }> = {
  validation: { status: 400, title: 'Ugyldig forespørsel' },
  unauthenticated: { status: 401, title: 'Ikke innlogget' },
  forbidden: { status: 403, title: 'Ingen tilgang' },
  'tenant-suspended': { status: 403, title: 'Kommunen er suspendert' },
  'not-found': { status: 404, title: 'Finnes ikke' },
  conflict: { status: 409, title: 'Konflikt' },
  'precondition-failed': { status: 412, title: 'Versjonen er endret' },
  'precondition-required': { status: 428, title: 'If-Match mangler' },
  'unsupported-media-type': { status: 415, title: 'Ukjent innholdstype' },
  'too-many-requests': { status: 429, title: 'For mange forespørsler' },
};

const titlesEn: Record<DomainErrorKind, string> = {
  validation: 'Invalid request',
  unauthenticated: 'Not logged in',
  forbidden: 'No access',
  'tenant-suspended': 'The municipality is suspended',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'precondition-failed': 'The version has changed',
  'precondition-required': 'If-Match is missing',
  'unsupported-media-type': 'Unknown content type',
  'too-many-requests': 'Too many requests',
};

/** The languages problem details are written in; Norwegian (bokmål) unless the client asks for English. */
export type ProblemLanguage = 'nb' | 'en';

/**
 * The language of a problem from the request's Accept-Language: `en` or `en-*` with the highest
 * q-value among the languages offered wins over Norwegian (`nb`, `no`, `nn` and their subtags);
 * anything else, `*`, a missing or malformed header is Norwegian. On equal q the header's order decides.
 */
export function problemLanguage(acceptLanguage: string | undefined): ProblemLanguage {
  if (!acceptLanguage) return 'nb';
  const ranges = acceptLanguage
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((r) => r.q > 0 && ['en', 'nb', 'no', 'nn'].includes(r.primary))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranges[0]?.primary === 'en' ? 'en' : 'nb';
}

export function problemType(kind: DomainErrorKind | 'internal' | 'method-not-allowed' | 'unavailable'): string {
  return `urn:fellesjournal:problem:${kind}`;
}

/**
 * Maps a domain error to its problem; anything else becomes a bare 500 that names only the request.
 * In English (`language` en) the title and detail are translated (shared/http/problem-en.ts; a
 * detail without an English text stays as written) and field messages where known; field paths stay.
 */
export function problemFromError(error: unknown, requestId: string, language: ProblemLanguage = 'nb'): Problem {
  const en = language === 'en';
  if (error instanceof DomainError) {
    const { status, title } = byKind[error.kind];
    const detail = en ? (englishDetail(error.detail) ?? error.detail) : error.detail;
    // Extensions first: they may never override the standard members.
    const problem: Problem = { ...error.extra, type: problemType(error.kind), title: en ? titlesEn[error.kind] : title, status, detail, requestId };
    if (error instanceof ValidationError && error.issues.length > 0) {
      problem.errors = en ? error.issues.map((i) => ({ field: i.field, message: englishFieldMessage(i.message) })) : error.issues;
    }
    return problem;
  }
  // The store or the key service could not answer (down, timed out, throttled past the SDK's
  // retries): the request may be sent again, so it is a 503 with Retry-After, not a 500. Nothing
  // was changed: every change is one transaction, and an Idempotency-Key makes the retry safe.
  if (isTransientFailure(error)) {
    return {
      type: problemType('unavailable'),
      title: en ? 'Temporarily unavailable' : 'Midlertidig utilgjengelig',
      status: 503,
      detail: en ? 'The service cannot answer right now; try again shortly.' : 'Tjenesten kan ikke svare akkurat nå; prøv igjen om litt.',
      requestId,
      retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS,
    };
  }
  return {
    type: problemType('internal'),
    title: en ? 'Internal error' : 'Intern feil',
    status: 500,
    detail: en ? `Something went wrong. Give request id ${requestId} to support.` : `Noe gikk galt. Oppgi forespørsels-id ${requestId} til brukerstøtte.`,
    requestId,
  };
}

/** How long a client is asked to wait after a 503: a store restart or a key service hiccup, not an outage of hours. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** Headers a problem answer carries beside its body: `Retry-After` (seconds, RFC 9110) on a 429 and a 503. */
export function problemHeaders(error: unknown): Record<string, string> {
  if (error instanceof TooManyRequestsError) return { 'retry-after': String(error.retryAfterSeconds) };
  if (!(error instanceof DomainError) && isTransientFailure(error)) return { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) };
  return {};
}
