import type { BatchGetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { streamOf } from '../../functions/core/audit-chain';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { config } from '../../shared/config';
import { dynamo } from '../../shared/db/client';
import { sharedDocumentKey } from '../../shared/db/keys';
import { ScopedDb } from '../../shared/db/tenant-db';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { auditEvents } from '../support/tables';
import { observeDynamo } from '../support/dynamo-observe';

/**
 * Issue 18: a retrieval across municipalities in its steady state (the caller's registry items,
 * the document's identity and the citizen's patient id here known from an earlier request) makes
 * four DynamoDB calls: the registry's batch, the decision's batch (the caller's record of the
 * citizen, the citizen's facts, the caller's audit head), ONE batch through the sharing-read
 * session of the document's index item and the origin log's audit head, and the transaction that
 * appends to both logs. The local gateway runs the handlers in this process on the shared DynamoDB
 * client, so a middleware on that client sees every call.
 */
const stack = useTestStack();
const calls: { command: string; input: unknown }[] = [];
const MIDDLEWARE = 'countRetrievalCalls';

let stopCounting: () => void = () => undefined;
beforeAll(() => {
  stopCounting = observeDynamo(dynamo(), MIDDLEWARE, (next, context) => async (args) => {
    calls.push({ command: String(context.commandName), input: args.input });
    return next(args);
  });
});
afterAll(() => stopCounting());
afterEach(() => vi.restoreAllMocks());

let n = 0;
const freshNid = () => syntheticNationalId({ day: 14, month: 2, year: 1950 + (n % 40) }, 300 + ++n * 7);

/** A Bergen document of a citizen who is Oslo's patient too, with oslo.lege in a care relationship at home. */
async function sharedDocument(): Promise<{ id: string; bergenPatient: string; osloPatient: string }> {
  const nationalId = freshNid();
  const bergen = await createPatient(stack, 'bergen.admin', { nationalId, name: 'Telt Pasient', birthDate: '1950-02-14', gender: 'unknown' });
  await createRelationship(stack, 'bergen.sykepleier', bergen.id);
  const oslo = await createPatient(stack, 'oslo.admin', { nationalId, name: 'Telt Pasient', birthDate: '1950-02-14', gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', oslo.id);
  const { entry } = await createSignedEntry(stack, 'bergen.sykepleier', bergen.id, { type: 'epikrise', title: 'Telt epikrise', text: 'Innhold som hentes.' });
  return { id: `4601-${entry.id}`, bergenPatient: bergen.id, osloPatient: oslo.id };
}

async function retrieve(id: string): Promise<Response> {
  const res = await stack.call(`/v1/sharing/documents/${id}`, { as: 'oslo.lege' });
  await res.clone().text();
  return res;
}

async function callsOf(request: () => Promise<Response>): Promise<{ res: Response; made: typeof calls }> {
  const before = calls.length;
  const res = await request();
  return { res, made: calls.slice(before) };
}

/** The keys a BatchGetItem asks of each table, by logical table id. */
function batchKeys(input: unknown): Record<string, { pk: string; sk: string }[]> {
  const physical = Object.fromEntries(Object.entries(config().tables).map(([id, name]) => [name, id]));
  const items = (input as BatchGetItemCommandInput).RequestItems ?? {};
  return Object.fromEntries(Object.entries(items).map(([name, k]) => [physical[name] ?? name, (k.Keys ?? []).map((key) => unmarshall(key) as { pk: string; sk: string })]));
}

describe('a retrieval across municipalities, counted', () => {
  it('makes four DynamoDB calls: the document and the origin log\'s head in one BatchGetItem through the sharing-read session', async () => {
    const doc = await sharedDocument();
    // Two retrievals first: the registry items, the document's identity and the citizen's patient id here are then known.
    for (let i = 0; i < 2; i++) expect((await retrieve(doc.id)).status).toBe(200);
    const retrievedBefore = (await auditEvents('4601', doc.bergenPatient)).filter((e) => e.action === 'sharing.document.retrieve').length;

    const { res, made } = await callsOf(() => retrieve(doc.id));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: doc.id, title: 'Telt epikrise', text: 'Innhold som hentes.' });
    expect(made.map((c) => c.command).sort(), JSON.stringify(made.map((c) => c.command))).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);

    // The document's batch asks for exactly its index item and the head of the origin's log, nothing else.
    const key = sharedDocumentKey('4601', doc.id.slice('4601-'.length));
    const withDocument = made.filter((c) => c.command === 'BatchGetItemCommand' && 'sharing' in batchKeys(c.input) && batchKeys(c.input).sharing!.some((k) => k.pk === key.pk));
    expect(withDocument).toHaveLength(1);
    const asked = batchKeys(withDocument[0]!.input);
    expect(Object.keys(asked).sort()).toEqual(['audit', 'sharing']);
    expect(asked.sharing).toEqual([key]);
    expect(asked.audit).toHaveLength(1);
    expect(asked.audit![0]!.pk.startsWith(streamOf('4601', doc.bergenPatient))).toBe(true);
    // Audited as before: one more retrieval in the origin's log.
    expect((await auditEvents('4601', doc.bergenPatient)).filter((e) => e.action === 'sharing.document.retrieve')).toHaveLength(retrievedBefore + 1);
  });

  it('still answers and audits in both logs when that batch fails: the document is read alone and the append reads the head itself', async () => {
    const doc = await sharedDocument();
    expect((await retrieve(doc.id)).status).toBe(200);
    const key = sharedDocumentKey('4601', doc.id.slice('4601-'.length));
    const getAcross = ScopedDb.prototype.getAcross;
    const failed = vi.spyOn(ScopedDb.prototype, 'getAcross').mockImplementation(function (this: ScopedDb, keys) {
      if (keys.some((k) => k.table === 'sharing' && k.pk === key.pk)) return Promise.reject(new Error('batch failed'));
      return getAcross.call(this, keys);
    });
    const before = { origin: (await auditEvents('4601', doc.bergenPatient)).length, here: (await auditEvents('0301', doc.osloPatient)).length };

    const res = await retrieve(doc.id);
    expect(res.status, await res.clone().text()).toBe(200);
    // The batch with the document was asked for (and failed).
    expect(failed.mock.calls.some(([keys]) => keys.some((k) => k.table === 'sharing' && k.pk === key.pk))).toBe(true);
    const origin = (await auditEvents<{ action: string; outcome: string }>('4601', doc.bergenPatient)).slice(before.origin);
    const here = (await auditEvents<{ action: string; outcome: string }>('0301', doc.osloPatient)).slice(before.here);
    expect(origin.map((e) => [e.action, e.outcome])).toEqual([['sharing.document.retrieve', 'success']]);
    expect(here.map((e) => [e.action, e.outcome])).toEqual([['sharing.document.retrieve', 'success']]);
  });
});
