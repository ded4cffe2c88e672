// @ts-nocheck
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { HttpResult } from '../../shared/http/handler';
import type { EventPage } from './audit-log-service';
import { toFhirBundle } from './fhir-audit-event';

/** The URL of this list with another cursor (for the FHIR Bundle's self and next links). */
function pageUrl(event: APIGatewayProxyEvent, cursor: string | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined && k !== 'cursor') params.set(k, v);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return `${event.path}${query ? `?${query}` : ''}`;
}

/** A page of events as JSON, or with `format=fhir` as a FHIR R4 searchset Bundle of AuditEvent. */
export function eventListResult(page: EventPage, format: 'json' | 'fhir', event: APIGatewayProxyEvent): HttpResult {
  if (format === 'json') return { status: 200, body: page };
  const self = pageUrl(event, event.queryStringParameters?.cursor);
  const next = page.nextCursor ? pageUrl(event, page.nextCursor) : undefined;
  return { status: 200, body: toFhirBundle(page.items, { self, ...(next ? { next } : {}) }), headers: { 'content-type': 'application/fhir+json' } };
}
