import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientSearchResult } from '../../shared/contracts/journal';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { dynamo } from '../../shared/db/client';
import { platformDb } from '../../shared/db/sessions';
import { tableName } from '../../shared/db/tables';
import { journalKeys, type PatientAccessItem } from '../../functions/core/journal-record';
import { sharingKeys, type CitizenFactsItem } from '../../functions/core/sharing-record';
import { observeDynamo } from '../support/dynamo-observe';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship } from '../support/patients';
import { auditEvents, localDynamoClient, tenantDb } from '../support/tables';

/**
 * Issue 18, `patient.search`: a search by national id reads the national-id lookup and the
 * citizen's facts copy in one BatchGetItem (both are known from the national id's key), then the
 * patient, its access copy and its audit head in a second, and stores its audit event in one
 * transaction: with the registry's BatchGetItem beside it, 4 DynamoDB calls. Every hit is still
 * decided on the citizen's blocks and audited, refused ones too, and a patient written before the
 * copies existed is still decided from what they copy.
 */

const stack = useTestStack();
const post = stack.post;

let n = 0;
const freshNid = () => syntheticNationalId({ day: 23, month: 8, year: 1940 + (n % 40) }, 300 + ++n * 11);

type Call = { command: string; tables: string[] };
const calls: Call[] = [];
let recording = false;

// The local gateway runs the handlers in this process on the shared client: a middleware on it sees every call.
let stopCounting: () => void = () => undefined;
beforeAll(() => {
  stopCounting = observeDynamo(dynamo(), 'countSearchCalls', (next, context) => async (args) => {
    if (recording) {
      const input = args.input as { RequestItems?: Record<string, unknown>; TableName?: string; TransactItems?: unknown[] };
      const tables = input.RequestItems ? Object.keys(input.RequestItems) : input.TableName ? [input.TableName] : [];
      calls.push({ command: String(context.commandName), tables: tables.map((t) => t.replace(`fj-${stack.stage}-`, '')).sort() });
    }
    return next(args);
  });
});
afterAll(() => stopCounting());

/** The DynamoDB calls one search makes (the caller's token and registry entries are warm: a later request). */
async function searchCounted(as: string, nationalId: string): Promise<{ ids: string[]; calls: Call[] }> {
  calls.length = 0;
  recording = true;
  try {
    const res = await post('/v1/patients/search', as, { nationalId });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PatientSearchResult;
    return { ids: body.patients.map((p) => p.id), calls: [...calls] };
  } finally {
    recording = false;
  }
}

const commands = (list: Call[]) => list.map((c) => c.command).sort();

type StoredEvent = { action: string; outcome: string; rule?: string; actor: { sub: string } };
const searches = async (patientId: string) => (await auditEvents<StoredEvent>('0301', patientId)).filter((e) => e.action === 'patient.search').map((e) => [e.actor.sub, e.outcome, e.rule]);

async function patientOfOslo(name: string) {
  const nid = freshNid();
  const patient = await createPatient(stack, 'oslo.admin', { nationalId: nid, name, birthDate: '1940-08-23', gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', patient.id);
  return { nid, nidKey: await nationalIdKey(nid), patient };
}

async function blockNurse(patientId: string) {
  const res = await post(`/v1/sharing/patients/${patientId}/blocks`, 'oslo.admin', { target: { kind: 'person', userId: 'oslo.sykepleier' }, reason: 'Pasientens ønske' });
  expect(res.status).toBe(201);
}

describe('a search by national id', () => {
  it('makes 4 DynamoDB calls: the registry, lookup and facts in one batch, patient, access and audit head in one, the audit transaction', async () => {
    const p = await patientOfOslo('Telle Kall');
    // Warm the caller's token and registry entries: the count is of a later request.
    await searchCounted('oslo.lege', freshNid());
    const found = await searchCounted('oslo.lege', p.nid);
    expect(found.ids).toEqual([p.patient.id]);
    expect(commands(found.calls)).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
    const batches = found.calls.filter((c) => c.command === 'BatchGetItemCommand').map((c) => c.tables.join('+'));
    // The registry's batch; the lookup (journal) with the citizen's facts (sharing); the patient's items with its audit head.
    expect(batches).toContain('journal+sharing');
    expect(batches).toContain('audit+journal');
    expect(await searches(p.patient.id)).toEqual([['oslo.lege', 'success', expect.any(String)]]);

    // A national id registered nowhere here: no patient read, the search audited in the tenant's log (whose head the append reads).
    const none = await searchCounted('oslo.lege', freshNid());
    expect(none.ids).toEqual([]);
    expect(commands(none.calls)).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'GetItemCommand', 'TransactWriteItemsCommand']);
  });

  it('still refuses a blocked caller in the same 4 calls: nothing found, and the refused hit audited with the rule', async () => {
    const p = await patientOfOslo('Sperret Kall');
    await createRelationship(stack, 'oslo.sykepleier', p.patient.id);
    await blockNurse(p.patient.id);
    await searchCounted('oslo.sykepleier', freshNid());
    const blocked = await searchCounted('oslo.sykepleier', p.nid);
    expect(blocked.ids).toEqual([]);
    expect(commands(blocked.calls)).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
    expect(await searches(p.patient.id)).toEqual([['oslo.sykepleier', 'denied', 'blocked-person']]);
    // The rest of the municipality still finds the patient.
    expect((await searchCounted('oslo.lege', p.nid)).ids).toEqual([p.patient.id]);
  });

  it('decides a patient written before the copies existed from what they copy, and writes the copies back', async () => {
    const p = await patientOfOslo('Gammel Kall');
    await blockNurse(p.patient.id);
    // The old layout: neither the patient's access copy nor the citizen's facts copy.
    const client = localDynamoClient();
    await client.send(new DeleteItemCommand({ TableName: tableName(stack.stage, 'journal'), Key: { pk: { S: journalKeys.patientPk('0301', p.patient.id) }, sk: { S: journalKeys.accessSk } } }));
    await client.send(new DeleteItemCommand({ TableName: tableName(stack.stage, 'sharing'), Key: { pk: { S: sharingKeys.citizenPk(p.nidKey) }, sk: { S: sharingKeys.factsSk } } }));
    client.destroy();
    const facts = () => platformDb().get<CitizenFactsItem>('sharing', sharingKeys.citizenPk(p.nidKey), sharingKeys.factsSk);
    const access = () => tenantDb('0301').get<PatientAccessItem>('journal', journalKeys.patientPk('0301', p.patient.id), journalKeys.accessSk);
    expect(await facts()).toBeUndefined();

    // The block still holds without its copy; the clinician with a relationship still finds the patient.
    expect((await searchCounted('oslo.sykepleier', p.nid)).ids).toEqual([]);
    expect((await searchCounted('oslo.lege', p.nid)).ids).toEqual([p.patient.id]);
    expect(await searches(p.patient.id)).toEqual([
      ['oslo.sykepleier', 'denied', 'blocked-person'],
      ['oslo.lege', 'success', expect.any(String)],
    ]);
    // The copies are back, complete, and the next search reads them in 4 calls.
    expect((await facts())?.items.map((i) => i.itemType)).toEqual(['block']);
    expect((await access())?.relationships.map((r) => r.subjectId)).toEqual(['oslo.lege']);
    const again = await searchCounted('oslo.sykepleier', p.nid);
    expect(again.ids).toEqual([]);
    expect(again.calls).toHaveLength(4);
  });
});
