// @ts-nocheck
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { createEntrySchema } from '../../shared/contracts/journal';
import { strictRequest } from '../../shared/contracts/strict';
import * as z from '../../shared/contracts/zod';
import { ValidationError } from '../../shared/errors';
import { problemFromError } from '../../shared/http/problem';
import { validateRequest } from '../../shared/http/validate';

/** Unknown body fields are refused everywhere, each named, by one rule rather than route by route. */

const event = (body: unknown, headers: Record<string, string> = {}, pathParameters: Record<string, string> = {}) =>
  ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, queryStringParameters: {}, pathParameters }) as unknown as APIGatewayProxyEvent;

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => i.field);
    throw error;
  }
  return [];
}

describe('strict request bodies', () => {
  it('every route with a body refuses an unknown field with a 400 naming it', () => {
    const bodies = ROUTES.filter((r) => r.body);
    expect(bodies.length).toBeGreaterThan(10);
    for (const route of bodies) {
      // A discriminated union decides its branch first: give it each discriminator it knows.
      const def = route.body!._zod.def as { discriminator?: string; options?: { _zod: { propValues?: Record<string, Set<unknown>> } }[] };
      const first = def.discriminator ? [...(def.options?.[0]?._zod.propValues?.[def.discriminator] ?? [])][0] : undefined;
      const probe = def.discriminator ? { [def.discriminator]: first, bogusField: 1 } : { bogusField: 1 };
      expect(fieldsOf(() => validateRequest(route, event(probe))), route.id).toContain('body.bogusField');
    }
  });

  it('names a misspelt field nested in an object and leaves a valid body as it was', () => {
    const schema = z.object({ title: z.string(), author: z.object({ hpr: z.string() }), tags: z.optional(z.array(z.object({ code: z.string() }))) });
    const strict = strictRequest(schema);
    const bad = strict.safeParse({ title: 't', author: { hpr: '1', hrp: '2' }, tags: [{ code: 'a', cdoe: 'b' }] });
    expect(bad.success).toBe(false);
    expect(strict.parse({ title: 't', author: { hpr: '1' } })).toEqual({ title: 't', author: { hpr: '1' } });
    // The contract itself is untouched: responses and the web client still use it as written.
    expect(schema.parse({ title: 't', author: { hpr: '1', extra: 1 } })).toEqual({ title: 't', author: { hpr: '1' } });
    // An explicit catchall is a decision and stays.
    const loose = z.looseObject({ a: z.string() });
    expect(strictRequest(loose).parse({ a: 'x', b: 1 })).toEqual({ a: 'x', b: 1 });
  });

  it('answers problem+json with each unknown field in the errors list, in both languages', () => {
    const route = ROUTES.find((r) => r.id === 'createEntry')!;
    expect(route.body).toBe(createEntrySchema);
    let caught: unknown;
    try {
      validateRequest(route, event({ type: 'journalnotat', title: 'Notat', text: 'Tekst', titel: 'x', forfatter: 'y' }, { 'idempotency-key': 'key-12345678' }, { patientId: '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f' }));
    } catch (error) {
      caught = error;
    }
    const nb = problemFromError(caught, 'req-1', 'nb');
    expect(nb.status).toBe(400);
    expect(nb.errors).toEqual([
      { field: 'body.titel', message: 'Ukjent felt' },
      { field: 'body.forfatter', message: 'Ukjent felt' },
    ]);
    expect(problemFromError(caught, 'req-1', 'en').errors).toEqual([
      { field: 'body.titel', message: 'Unknown field' },
      { field: 'body.forfatter', message: 'Unknown field' },
    ]);
  });

  it('names a field that no alternative of a union body knows', () => {
    const route = ROUTES.find((r) => r.id === 'searchPatients')!;
    expect(fieldsOf(() => validateRequest(route, event({ name: 'Kari', fødselsdato: '1980-01-01' })))).toContain('body.fødselsdato');
  });
});
