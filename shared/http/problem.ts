import { DomainError, ValidationError, type DomainErrorKind } from '../errors';

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

export function problemType(kind: DomainErrorKind | 'internal' | 'method-not-allowed'): string {
  return `urn:fellesjournal:problem:${kind}`;
}

/** Maps a domain error to its problem; anything else becomes a bare 500 that names only the request. */
export function problemFromError(error: unknown, requestId: string): Problem {
  if (error instanceof DomainError) {
    const { status, title } = byKind[error.kind];
    // Extensions first: they may never override the standard members.
    const problem: Problem = { ...error.extra, type: problemType(error.kind), title, status, detail: error.detail, requestId };
    if (error instanceof ValidationError && error.issues.length > 0) problem.errors = error.issues;
    return problem;
  }
  return {
    type: problemType('internal'),
    title: 'Intern feil',
    status: 500,
    detail: `Noe gikk galt. Oppgi forespørsels-id ${requestId} til brukerstøtte.`,
    requestId,
  };
}
