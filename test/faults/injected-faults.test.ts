import { ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { envelopeCrypto, tenantKeys } from '../../shared/crypto';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { injectDynamoFaults, scanTable, startFaultStack, verifyEveryChain, type FaultPlan, type FaultStack, type InjectedFault } from './support';

/**
 * Faults injected at the DynamoDB client (SDK middleware inside the retry loop) and at the key
 * service (issue 20, point 1): throttling, transaction cancellations (ConditionalCheckFailed,
 * TransactionConflict), an answer lost after the change took effect, and a key service that fails
 * or hangs. Each is retried with jitter where that is safe (the SDK's retry strategy, the audit
 * chain's own retries), answered 429/503 where it is not, and never makes a change twice: a retry
 * with the same Idempotency-Key gets the first answer or makes the change once.
 */

let s: FaultStack;
let patientId: string;
let readableId: string;
let docId: string;
let seq = 0;

beforeAll(async () => {
  s = await startFaultStack();
  const nid = syntheticNationalId({ day: 9, month: 10, year: 1972 }, 402);
  const bergen = await createPatient(s, 'bergen.admin', { nationalId: nid, name: 'Injisert Feil', birthDate: '1972-10-09', gender: 'unknown' });
  await createRelationship(s, 'bergen.sykepleier', bergen.id);
  const oslo = await createPatient(s, 'oslo.admin', { nationalId: nid, name: 'Injisert Feil', birthDate: '1972-10-09', gender: 'unknown' });
  await createRelationship(s, 'oslo.lege', oslo.id);
  patientId = bergen.id;
  readableId = (await createSignedEntry(s, 'bergen.sykepleier', patientId, { type: 'sykepleienotat', title: 'Lesbar', text: 'Lest under feil' })).entry.id;
  docId = `4601-${(await createSignedEntry(s, 'bergen.sykepleier', patientId, { type: 'epikrise', title: 'Epikrise', text: 'Delt under feil' })).entry.id}`;
}, 180_000);
afterAll(async () => s?.stop());

let faults: ReturnType<typeof injectDynamoFaults> | undefined;
afterEach(() => {
  faults?.restore();
  faults = undefined;
  vi.restoreAllMocks();
});

const throttle = () => new ProvisionedThroughputExceededException({ message: 'injected throttle', $metadata: {} });
const cancelled = (reasons: string[]) => new TransactionCanceledException({ message: 'injected cancellation', $metadata: {}, CancellationReasons: reasons.map((Code) => ({ Code })) });
/** A socket timeout, as node reports one: the SDK retries it, and the platform must treat it as "not now". */
const lostAnswer = () => Object.assign(new Error('injected: socket timed out after the request was sent'), { name: 'TimeoutError', code: 'ETIMEDOUT' });

/** A fault for the first `times` commands named `command` (every one when times is Infinity), then none. */
function first(command: string | RegExp, times: number, fault: InjectedFault): FaultPlan {
  let left = times;
  return (name) => {
    if (!(typeof command === 'string' ? name === command : command.test(name)) || left <= 0) return undefined;
    left -= 1;
    return fault;
  };
}

function newWrite() {
  seq += 1;
  return { key: `fault-injected-${seq}`, body: { type: 'sykepleienotat', title: `Injisert ${seq}`, text: `Notat under injisert feil ${seq}` } };
}

function write(w: ReturnType<typeof newWrite>): Promise<Response> {
  return s.post(`/v1/patients/${patientId}/entries`, 'bergen.sykepleier', w.body, { 'idempotency-key': w.key });
}

/** The stored entries whose title is `title` (read through the API: titles are sealed in the table). */
async function entriesTitled(title: string): Promise<string[]> {
  const res = await s.call(`/v1/patients/${patientId}/timeline?limit=100`, { as: 'bergen.sykepleier' });
  expect(res.status).toBe(200);
  const { items } = (await res.json()) as { items: { id: string; title: string }[] };
  return items.filter((e) => e.title === title).map((e) => e.id);
}

async function expectProblem(res: Response, status: number): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(((await res.json()) as { status: number }).status).toBe(status);
}

describe('throttling', () => {
  it('a few throttled calls are retried by the SDK with jitter: reads, writes and retrievals succeed, once', async () => {
    // Two throttles for every command, then through: within the SDK's three attempts.
    const seen = new WeakMap<object, number>();
    faults = injectDynamoFaults((_name, input) => {
      const count = seen.get(input) ?? 0;
      seen.set(input, count + 1);
      return count < 2 ? { before: throttle } : undefined;
    });
    const w = newWrite();
    const created = await write(w);
    expect(created.status, await created.clone().text()).toBe(201);
    expect((await s.call(`/v1/patients/${patientId}/entries/${readableId}`, { as: 'bergen.sykepleier' })).status).toBe(200);
    expect((await s.call(`/v1/sharing/documents/${docId}`, { as: 'oslo.lege' })).status).toBe(200);
    expect(faults.injected()).toBeGreaterThan(6);
    faults.restore();
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });

  it('throttling that outlasts the SDK’s retries is 503 with Retry-After; the write then succeeds once with the same key', async () => {
    faults = injectDynamoFaults(first(/./, Infinity, { before: throttle }));
    const w = newWrite();
    const res = await write(w);
    await expectProblem(res, 503);
    expect(res.headers.get('retry-after')).toBe('2');
    await expectProblem(await s.call(`/v1/patients/${patientId}/entries/${readableId}`, { as: 'bergen.sykepleier' }), 503);
    await expectProblem(await s.call(`/v1/sharing/documents/${docId}`, { as: 'oslo.lege' }), 503);
    faults.restore();
    const again = await write(w);
    expect(again.status).toBe(201);
    const replay = await write(w);
    expect(replay.status).toBe(201);
    expect(((await replay.json()) as { id: string }).id).toBe(((await again.json()) as { id: string }).id);
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });
});

describe('transaction cancellations', () => {
  it('TransactionConflict is retried by the audit layer with jitter: one entry', async () => {
    faults = injectDynamoFaults(first('TransactWriteItemsCommand', 3, { before: () => cancelled(['None', 'None', 'TransactionConflict']) }));
    const w = newWrite();
    const res = await write(w);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(faults.injected()).toBe(3);
    faults.restore();
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });

  it('a conflict that never ends is 429 with Retry-After, and the same key then makes the change once', async () => {
    faults = injectDynamoFaults(first('TransactWriteItemsCommand', Infinity, { before: () => cancelled(['None', 'TransactionConflict']) }));
    const w = newWrite();
    const res = await write(w);
    await expectProblem(res, 429);
    expect(res.headers.get('retry-after')).toBe('1');
    faults.restore();
    expect((await write(w)).status).toBe(201);
    expect((await write(w)).status).toBe(201);
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });

  it('a ConditionalCheckFailed on the audit chain (another appender won) is retried on another shard: one entry', async () => {
    // The createEntry transaction: idempotency record, entry head, version, then the audit items.
    faults = injectDynamoFaults(first('TransactWriteItemsCommand', 2, { before: () => cancelled(['None', 'None', 'None', 'ConditionalCheckFailed']) }));
    const w = newWrite();
    const res = await write(w);
    expect(res.status, await res.clone().text()).toBe(201);
    faults.restore();
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });

  it('a ConditionalCheckFailed on the idempotency record (the same key in flight) is 409, never a second change', async () => {
    faults = injectDynamoFaults(first('TransactWriteItemsCommand', 1, { before: () => cancelled(['ConditionalCheckFailed', 'None', 'None', 'None']) }));
    const w = newWrite();
    await expectProblem(await write(w), 409);
    faults.restore();
    expect(await entriesTitled(w.body.title)).toHaveLength(0);
    expect((await write(w)).status).toBe(201);
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });
});

describe('an answer lost after the change took effect', () => {
  it('once: the SDK sends the transaction again and the client gets the change, made once', async () => {
    faults = injectDynamoFaults(first('TransactWriteItemsCommand', 1, { after: lostAnswer }));
    const w = newWrite();
    const res = await write(w);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(faults.injected()).toBe(1);
    faults.restore();
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });

  it('on every attempt: 503, and the retry with the same key gets the change that was made, once', async () => {
    faults = injectDynamoFaults(first('TransactWriteItemsCommand', Infinity, { after: lostAnswer }));
    const w = newWrite();
    await expectProblem(await write(w), 503);
    faults.restore();
    const stored = await entriesTitled(w.body.title);
    expect(stored).toHaveLength(1);
    const again = await write(w);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(stored[0]);
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });
});

/**
 * A cold container: no data key cached, so every seal and open asks the key service (the envelope's
 * cache would otherwise carry a warm container through a short outage, as designed).
 */
function coldKeyCache(): void {
  const envelope = envelopeCrypto() as unknown as { encryptKeys: Map<unknown, unknown>; decryptKeys: Map<unknown, unknown> };
  envelope.encryptKeys.clear();
  envelope.decryptKeys.clear();
}

describe('the key service unavailable or slow', () => {
  const keyServiceDown = () => Object.assign(new Error('injected: key service unavailable'), { name: 'KMSInternalException' });

  it('fails closed with 503 while it is down (no plaintext, nothing written), and recovers by itself', async () => {
    const keys = tenantKeys();
    const before = await scanTable(s.dynamo.endpoint, 'journal');
    vi.spyOn(keys, 'generateDataKey').mockRejectedValue(keyServiceDown());
    vi.spyOn(keys, 'decryptDataKey').mockRejectedValue(keyServiceDown());
    coldKeyCache();
    const w = newWrite();
    const res = await write(w);
    await expectProblem(res, 503);
    expect(res.headers.get('retry-after')).toBe('2');
    await expectProblem(await s.call(`/v1/patients/${patientId}/entries/${readableId}`, { as: 'bergen.sykepleier' }), 503);
    await expectProblem(await s.call(`/v1/sharing/documents/${docId}`, { as: 'oslo.lege' }), 503);
    const during = await scanTable(s.dynamo.endpoint, 'journal');
    expect(during.length).toBe(before.length);
    expect(JSON.stringify([...during, ...(await scanTable(s.dynamo.endpoint, 'audit'))])).not.toContain('Notat under injisert feil');

    vi.restoreAllMocks();
    expect((await s.call(`/v1/patients/${patientId}/entries/${readableId}`, { as: 'bergen.sykepleier' })).status).toBe(200);
    expect((await write(w)).status).toBe(201);
    expect((await write(w)).status).toBe(201);
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });

  it('a key service that hangs is cut off: 503 instead of a request that never answers, then served again', async () => {
    const keys = tenantKeys();
    const hang = () => new Promise<never>(() => undefined);
    vi.spyOn(keys, 'generateDataKey').mockImplementation(hang);
    vi.spyOn(keys, 'decryptDataKey').mockImplementation(hang);
    coldKeyCache();
    const w = newWrite();
    const started = Date.now();
    await expectProblem(await write(w), 503);
    await expectProblem(await s.call(`/v1/patients/${patientId}/entries/${readableId}`, { as: 'bergen.sykepleier' }), 503);
    console.log(`[faults] hanging key service: a write and a read answered 503 after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    vi.restoreAllMocks();
    expect((await write(w)).status).toBe(201);
    expect(await entriesTitled(w.body.title)).toHaveLength(1);
  });
});

describe('after every injected fault', () => {
  it('every audit chain verifies from genesis to its head', async () => {
    const chains = verifyEveryChain(await scanTable(s.dynamo.endpoint, 'audit'));
    expect(chains.broken).toEqual([]);
    expect(chains.events).toBeGreaterThan(20);
  });
});
