import { randomUUID } from 'node:crypto';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { platformDb } from '../../shared/db/sessions';
import { tableName } from '../../shared/db/tables';
import { journalKeys, patientAccessWrite, type PatientAccessItem, type RelationshipItem } from '../../functions/core/journal-record';
import { loadCitizenFacts, loadPatientContext } from '../../functions/core/patient-access';
import { sharingKeys, type BlockItem, type CitizenFactsItem } from '../../functions/core/sharing-record';
import { factsCopyWrite } from '../../functions/sharing/sharing-store';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { newIdempotencyKey } from '../support/requests';
import { localDynamoClient, tenantDb, tenantSession } from '../support/tables';

/**
 * Issue 18: the access decision reads the patient's relationships and the citizen's blocks,
 * consents and emergency grants from copies read by key in one BatchGetItem. These tests hold that
 * the copies are kept in step (a change is seen by the very next request), that a change whose copy
 * moved in between writes nothing at all, and that data from before the copies is still decided
 * correctly (and gets its copies).
 */

const stack = useTestStack();
const post = stack.post;

let n = 0;
const freshNid = () => syntheticNationalId({ day: 17, month: 6, year: 1945 + (n % 40) }, 500 + ++n * 7);

async function osloPatient() {
  const nid = freshNid();
  const patient = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Kopi Pasient', birthDate: '1945-06-17', gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', patient.id);
  const { entry } = await createSignedEntry(stack, 'oslo.lege', patient.id, { type: 'journalnotat', title: 'Besøk', text: 'Notat' });
  return { nid, nidKey: await nationalIdKey(nid), patient, entry };
}

const facts = (nidKey: string) => platformDb().get<CitizenFactsItem>('sharing', sharingKeys.citizenPk(nidKey), sharingKeys.factsSk);
const access = (patientId: string) => tenantDb('0301').get<PatientAccessItem>('journal', journalKeys.patientPk('0301', patientId), journalKeys.accessSk);

describe('the access facts copies', () => {
  it('are written with the patient and kept in step: a block, its lifting and an emergency grant count from the next request', async () => {
    const p = await osloPatient();
    const read = (as: string) => stack.call(`/v1/patients/${p.patient.id}/entries/${p.entry.id}`, { as });
    expect((await read('oslo.lege')).status).toBe(200);
    expect((await access(p.patient.id))?.relationships.map((r) => r.subjectId)).toEqual(['oslo.lege']);
    const before = (await facts(p.nidKey))!;
    expect(before.items).toEqual([]);

    const blocked = await post(`/v1/sharing/patients/${p.patient.id}/blocks`, 'oslo.admin', { target: { kind: 'person', userId: 'oslo.lege' }, reason: 'Pasientens ønske' });
    expect(blocked.status).toBe(201);
    const blockId = ((await blocked.json()) as { id: string }).id;
    // The copy moved with the block, in its transaction; the very next read is refused as unknown.
    const after = (await facts(p.nidKey))!;
    expect(after.rev).toBe(before.rev + 1);
    expect(after.items.map((i) => i.itemType)).toEqual(['block']);
    expect((await read('oslo.lege')).status).toBe(404);

    const lifted = await stack.call(`/v1/sharing/patients/${p.patient.id}/blocks/${blockId}`, { method: 'DELETE', as: 'oslo.admin', headers: { 'idempotency-key': newIdempotencyKey() } });
    expect(lifted.status).toBe(200);
    expect((await read('oslo.lege')).status).toBe(200);

    // No relationship: refused; an emergency grant opens reading at once.
    expect((await read('oslo.sykepleier')).status).toBe(403);
    const grant = await post(`/v1/sharing/patients/${p.patient.id}/emergency-access`, 'oslo.sykepleier', { reason: 'Akutt forverring, fastlege utilgjengelig' });
    expect(grant.status).toBe(201);
    const granted = await read('oslo.sykepleier');
    expect(granted.status).toBe(200);
    expect((await facts(p.nidKey))!.items.map((i) => i.itemType).sort()).toEqual(['block', 'emergency']);
  });

  it('keep a relationship ended a moment before out of the decision', async () => {
    const p = await osloPatient();
    const rel = await createRelationship(stack, 'oslo.sykepleier', p.patient.id);
    const read = () => stack.call(`/v1/patients/${p.patient.id}/entries/${p.entry.id}`, { as: 'oslo.sykepleier' });
    expect((await read()).status).toBe(200);
    const ended = await stack.call(`/v1/patients/${p.patient.id}/relationships/${rel.id}/end`, {
      method: 'POST',
      as: 'oslo.sykepleier',
      headers: { 'if-match': '"v1"', 'idempotency-key': newIdempotencyKey() },
      json: {},
    });
    expect(ended.status).toBe(200);
    expect((await access(p.patient.id))?.relationships.find((r) => r.relationshipId === rel.id)?.endedAt).toBeTypeOf('string');
    expect((await read()).status).toBe(403);
  });

  it('make a change fail whole when its copy moved after the change read it: neither the change nor the copy is written', async () => {
    const p = await osloPatient();
    const stale = await loadCitizenFacts(p.nidKey, new Date());
    // Another writer changes the citizen's facts in between.
    expect((await post(`/v1/sharing/patients/${p.patient.id}/blocks`, 'oslo.admin', { target: { kind: 'category', category: 'epikrise' }, reason: 'Pasientens ønske' })).status).toBe(201);
    const moved = (await facts(p.nidKey))!;
    const now = new Date();
    const mine: BlockItem = {
      pk: sharingKeys.citizenPk(p.nidKey),
      sk: sharingKeys.blockSk(randomUUID()),
      itemType: 'block',
      blockId: 'test',
      target: { kind: 'all-sharing' },
      createdAt: now.toISOString(),
      createdBy: { kind: 'staff', sub: 'oslo.admin', tenant: '0301' },
      version: 1,
    };
    await expect(platformDb().transact([{ kind: 'put', table: 'sharing', item: mine, condition: { expression: 'attribute_not_exists(pk)' } }, factsCopyWrite(p.nidKey, stale, mine, now).write])).rejects.toThrow();
    expect(await platformDb().get('sharing', mine.pk, mine.sk)).toBeUndefined();
    expect(await facts(p.nidKey)).toEqual(moved);

    // The same for a relationship and the patient's copy.
    const session = tenantSession('0301');
    const context = (await loadPatientContext(session, p.patient.id))!;
    const staleRev = (await access(p.patient.id))!.rev;
    await createRelationship(stack, 'oslo.sykepleier', p.patient.id);
    const movedAccess = await access(p.patient.id);
    const rel: RelationshipItem = { ...context.relationships[0]!, relationshipId: randomUUID(), subjectId: 'oslo.fysio' };
    rel.sk = journalKeys.relationshipSk(rel.relationshipId);
    await expect(
      session.db.transact([{ kind: 'put', table: 'journal', item: rel, condition: { expression: 'attribute_not_exists(pk)' } }, patientAccessWrite('0301', p.patient.id, [...context.relationships, rel], staleRev)]),
    ).rejects.toThrow();
    expect(await session.db.get('journal', rel.pk, rel.sk)).toBeUndefined();
    expect(await access(p.patient.id)).toEqual(movedAccess);
  });

  it('decide data written before the copies existed from what they copy, and write the copies for the next request', async () => {
    const p = await osloPatient();
    expect((await post(`/v1/sharing/patients/${p.patient.id}/blocks`, 'oslo.admin', { target: { kind: 'person', userId: 'oslo.lege' }, reason: 'Pasientens ønske' })).status).toBe(201);
    // The old layout: no copies.
    const client = localDynamoClient();
    await client.send(new DeleteItemCommand({ TableName: tableName(stack.stage, 'journal'), Key: { pk: { S: journalKeys.patientPk('0301', p.patient.id) }, sk: { S: journalKeys.accessSk } } }));
    await client.send(new DeleteItemCommand({ TableName: tableName(stack.stage, 'sharing'), Key: { pk: { S: sharingKeys.citizenPk(p.nidKey) }, sk: { S: sharingKeys.factsSk } } }));
    client.destroy();
    expect(await facts(p.nidKey)).toBeUndefined();

    // The block still holds, and a clinician with a relationship still reads.
    expect((await stack.call(`/v1/patients/${p.patient.id}/entries/${p.entry.id}`, { as: 'oslo.lege' })).status).toBe(404);
    await createRelationship(stack, 'oslo.sykepleier', p.patient.id);
    expect((await stack.call(`/v1/patients/${p.patient.id}/entries/${p.entry.id}`, { as: 'oslo.sykepleier' })).status).toBe(200);
    // And the copies are back, complete.
    expect((await facts(p.nidKey))?.items.map((i) => i.itemType)).toEqual(['block']);
    expect((await access(p.patient.id))?.relationships.map((r) => r.subjectId).sort()).toEqual(['oslo.lege', 'oslo.sykepleier']);
  });
});
