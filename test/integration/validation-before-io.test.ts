import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/db/client';
import { startTestStack, type TestStack } from '../support/local-stack';
import { observeDynamo } from '../support/dynamo-observe';

/**
 * Params, query, headers and body are validated before any DynamoDB call: a malformed request
 * gets its 400 without reading the registry or anything else. The local gateway runs the handlers
 * in this process, on the shared DynamoDB client, so a middleware on that client sees every call.
 */
let stack: TestStack;
const calls: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  observeDynamo(dynamo(), 'countDynamoCalls', (next, context) => async (args) => {
    calls.push(String(context.commandName));
    return next(args);
  });
  // Tokens are minted (and the user read) outside the request under test.
  await stack.call('/v1/me', { as: 'oslo.lege' });
});
afterAll(async () => stack?.stop());

async function callsDuring(request: () => Promise<Response>): Promise<{ res: Response; calls: string[] }> {
  const before = calls.length;
  const res = await request();
  await res.clone().text();
  return { res, calls: calls.slice(before) };
}

async function expectBadField(res: Response, field: string) {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await res.json()) as { errors?: { field: string }[] };
  expect(problem.errors?.map((e) => e.field)).toContain(field);
}

describe('validation before I/O', () => {
  it('counts the DynamoDB calls of a well-formed request (the registry read, at least)', async () => {
    const { res, calls: made } = await callsDuring(() => stack.call(`/v1/patients/${randomUUID()}`, { as: 'oslo.lege' }));
    expect([403, 404]).toContain(res.status);
    expect(made.length).toBeGreaterThan(0);
  });

  it('a malformed path parameter gets 400 with no DynamoDB call', async () => {
    const { res, calls: made } = await callsDuring(() => stack.call('/v1/patients/not-a-uuid/timeline', { as: 'oslo.lege' }));
    await expectBadField(res, 'path.patientId');
    expect(made).toEqual([]);
  });

  it('a malformed query gets 400 with no DynamoDB call', async () => {
    const { res, calls: made } = await callsDuring(() => stack.call(`/v1/patients/${randomUUID()}/timeline?limit=1000`, { as: 'oslo.lege' }));
    await expectBadField(res, 'query.limit');
    expect(made).toEqual([]);
  });

  it('a missing header gets 400 with no DynamoDB call', async () => {
    const { res, calls: made } = await callsDuring(() =>
      stack.call(`/v1/patients/${randomUUID()}/entries`, { as: 'oslo.lege', method: 'POST', json: { type: 'journalnotat', title: 'T', text: 'x' } }),
    );
    await expectBadField(res, 'headers.idempotency-key');
    expect(made).toEqual([]);
  });

  it('a malformed body gets 400 with no DynamoDB call', async () => {
    const { res, calls: made } = await callsDuring(() =>
      stack.call('/v1/patients/search', { as: 'oslo.lege', method: 'POST', json: { nationalId: 12 } }),
    );
    expect(res.status).toBe(400);
    expect(made).toEqual([]);
    const broken = await callsDuring(() => stack.call('/v1/patients/search', { as: 'oslo.lege', method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }));
    await expectBadField(broken.res, 'body');
    expect(broken.calls).toEqual([]);
  });
});
