// @ts-nocheck
import type { Problem } from '../../shared/http/problem';

/** FHIR's media type: every /fhir answer, resources and errors alike. */
export const FHIR_CONTENT_TYPE = 'application/fhir+json';

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: { severity: 'fatal' | 'error' | 'warning' | 'information'; code: string; diagnostics?: string; expression?: string[] }[];
}

/** FHIR issue type of each HTTP status the platform answers with (the IssueType value set). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  409: 'conflict',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  428: 'required',
  429: 'throttled',
};

/** A FHIRPath-like location of a field the problem names: `query.patient.identifier` -> `patient.identifier`. */
function expressionOf(field: string): string {
  return field.replace(/^(body|query|path|headers)\./, '');
}

/**
 * The problem+json of the one middleware stack, told as an OperationOutcome: the same status, one
 * issue per bad field (with where it is), the request id in the diagnostics of a 500. Nothing
 * more is said in FHIR than in /v1.
 */
export function operationOutcomeOf(problem: Pick<Problem, 'status' | 'title' | 'detail' | 'errors' | 'requestId'>): OperationOutcome {
  const code = CODE_BY_STATUS[problem.status] ?? (problem.status >= 500 ? 'exception' : 'processing');
  const severity = problem.status >= 500 ? 'fatal' : 'error';
  const diagnostics = [problem.title, problem.detail].filter(Boolean).join(': ');
  const fields = problem.errors ?? [];
  if (fields.length === 0) return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
  return {
    resourceType: 'OperationOutcome',
    issue: fields.map((f) => ({ severity, code, diagnostics: `${f.field}: ${f.message}`, expression: [expressionOf(f.field)] })),
  };
}
