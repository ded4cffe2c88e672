import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteItemCommand, DeleteTableCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { exportTables, restoreTables, verifyAuditChains } from '../../local/dr-tool';
import { createTables } from '../../local/create-tables';
import { ApiError, drTarget } from '../../local/ops-cli';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { TABLES, tableName } from '../../shared/db/tables';
import { useTempDir, useTestStack } from '../support/local-stack';
import { readJson } from '../support/requests';
import { localDynamoClient } from '../support/tables';

// Disaster recovery, locally: export the tables, lose them, restore into fresh tables, and the
// journal is readable and every audit chain verifies; then one municipality rolled back alone.

const stack = useTestStack();
const root = useTempDir('fj-restore-');

async function writeNote(user: string, birthDay: number, text: string): Promise<{ patientId: string; entryId: string }> {
  const post = (path: string, body: unknown) => stack.post(path, user, body);
  const patient = await post('/v1/patients', { nationalId: syntheticNationalId({ day: birthDay, month: 7, year: 1961 }, 700 + birthDay), name: `Gjenoppretta ${birthDay}`, birthDate: `1961-07-${String(birthDay).padStart(2, '0')}`, gender: 'unknown' });
  expect(patient.status).toBe(201);
  const { id: patientId } = await readJson<{ id: string }>(patient);
  expect((await post(`/v1/patients/${patientId}/relationships`, { reasonCode: 'ordinary-care', reason: 'Oppfølging' })).status).toBe(201);
  const entry = await post(`/v1/patients/${patientId}/entries`, { type: 'journalnotat', title: 'Notat', text });
  expect(entry.status).toBe(201);
  return { patientId, entryId: (await readJson<{ id: string }>(entry)).id };
}

async function readNote(user: string, note: { patientId: string; entryId: string }): Promise<{ status: number; text?: string }> {
  const res = await stack.call(`/v1/patients/${note.patientId}/entries/${note.entryId}`, { as: user });
  return res.status === 200 ? { status: 200, text: (await readJson<{ text: string }>(res)).text } : { status: res.status };
}

const target = () => ({ endpoint: inject('dynamoEndpoint'), stage: stack.stage });

describe('restore from a table export', () => {
  it('rebuilds every table from the export into fresh tables: the journal reads again and every audit chain verifies', async () => {
    const note = await writeNote('bergen.lege', 3, 'Før katastrofen');
    expect(await readNote('bergen.lege', note)).toEqual({ status: 200, text: 'Før katastrofen' });
    const dir = join(root, 'full');
    const exported = await exportTables({ ...target(), dir });
    expect(exported.tables.map((t) => t.id).sort()).toEqual(TABLES.map((t) => t.id).sort());
    expect(exported.tables.every((t) => t.items > 0 || t.id === 'sharing')).toBe(true);

    // The region's tables are gone.
    const db = localDynamoClient();
    for (const def of TABLES) await db.send(new DeleteTableCommand({ TableName: tableName(stack.stage, def.id) }));
    expect((await stack.call(`/v1/patients/${note.patientId}/entries/${note.entryId}`, { as: 'bergen.lege' })).status).toBeGreaterThanOrEqual(500);

    const out = await restoreTables({ ...target(), dir });
    expect(out.tables.map((t) => t.items)).toEqual(exported.tables.map((t) => t.items));
    expect(out.chains.broken).toEqual([]);
    expect(out.chains.checked).toBeGreaterThan(0);
    expect(await readNote('bergen.lege', note)).toEqual({ status: 200, text: 'Før katastrofen' });
    // Reading wrote its own audit event onto the restored chains: they still verify.
    expect((await verifyAuditChains(target())).broken).toEqual([]);
  }, 120_000);

  it('refuses an export whose file was changed, writing nothing', async () => {
    const dir = join(root, 'tampered');
    await exportTables({ ...target(), dir });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { tables: { file: string; sha256: string }[] };
    manifest.tables[0]!.sha256 = '0'.repeat(64);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(restoreTables({ ...target(), dir })).rejects.toThrow(/does not match/);
  });

  it('rolls one municipality back to the export, keeping what it held aside, and leaves the others as they are', async () => {
    const before = await writeNote('bergen.lege', 5, 'Bergen, før eksporten');
    const dir = join(root, 'one');
    await exportTables({ ...target(), dir });
    // After the export: Bergen writes again, Oslo too.
    const after = await writeNote('bergen.lege', 6, 'Bergen, etter eksporten');
    const oslo = await writeNote('oslo.lege', 7, 'Oslo, etter eksporten');

    // Bergen's journal partitions are damaged (a bad deploy, say).
    const db = localDynamoClient();
    const journal = tableName(stack.stage, 'journal');
    const bergen: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: journal, ...(start ? { ExclusiveStartKey: start } : {}) }));
      bergen.push(...(page.Items ?? []).filter((i) => i.pk?.S?.startsWith('T#4601#PATIENT#')));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(bergen.length).toBeGreaterThan(0);
    for (let i = 0; i < bergen.length; i += 25) {
      await db.send(new BatchWriteItemCommand({ RequestItems: { [journal]: bergen.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk!, sk: item.sk! } } })) } }));
    }
    expect((await readNote('bergen.lege', before)).status).toBe(404);

    const out = await restoreTables({ ...target(), dir, tenant: '4601' });
    expect(out.chains.broken).toEqual([]);
    expect(out.replaced && existsSync(out.replaced.dir)).toBe(true);
    // Bergen is back at the export's point: what was written before it reads, what came after is gone (kept aside).
    expect(await readNote('bergen.lege', before)).toEqual({ status: 200, text: 'Bergen, før eksporten' });
    expect((await readNote('bergen.lege', after)).status).toBe(404);
    expect(readFileSync(join(out.replaced!.dir, 'audit.ndjson'), 'utf8')).toContain(after.patientId);
    // Oslo did not move.
    expect(await readNote('oslo.lege', oslo)).toEqual({ status: 200, text: 'Oslo, etter eksporten' });
    expect((await verifyAuditChains({ ...target(), tenant: '4601' })).broken).toEqual([]);
    expect((await verifyAuditChains(target())).broken).toEqual([]);
  }, 120_000);

  it('works on deployed tables by the names the stack outputs (CloudFormation names them), not the stage\'s', async () => {
    const dir = join(root, 'deployed');
    const exported = await exportTables({ ...target(), dir });
    // Tables named as CloudFormation would (no stage prefix), stood in for by DynamoDB Local.
    const deployedStage = `cfn${Date.now().toString(36)}`;
    const db = localDynamoClient();
    await createTables(db, deployedStage);
    const env = Object.fromEntries(TABLES.map((t) => [`FJ_TABLE_${t.id.toUpperCase()}`, tableName(deployedStage, t.id)]));
    const deployed = drTarget({ endpoint: inject('dynamoEndpoint'), stage: 'prod' }, env);
    expect(deployed.tables).toEqual(Object.fromEntries(TABLES.map((t) => [t.id, tableName(deployedStage, t.id)])));

    const out = await restoreTables({ ...deployed, dir });
    expect(out.tables.map((t) => t.table)).toEqual(exported.tables.map((t) => tableName(deployedStage, t.id)));
    expect(out.tables.map((t) => t.items)).toEqual(exported.tables.map((t) => t.items));
    expect(out.chains.broken).toEqual([]);
    expect(out.chains.checked).toBeGreaterThan(0);
    // The export of the deployed tables holds what was restored into them.
    const again = await exportTables({ ...deployed, dir: join(root, 'deployed-again') });
    expect(again.tables.map((t) => [t.table, t.items])).toEqual(exported.tables.map((t) => [tableName(deployedStage, t.id), t.items]));
    // Names given in part are refused (a restore into half the stage's tables would mix two stacks).
    expect(() => drTarget({ stage: 'prod' }, { FJ_TABLE_JOURNAL: 'x-journal' })).toThrow(ApiError);
    // A stage without those tables is not created by a restore with deployed names: the stack owns them.
    await expect(restoreTables({ ...drTarget({ endpoint: inject('dynamoEndpoint'), stage: 'prod' }, Object.fromEntries(TABLES.map((t) => [`FJ_TABLE_${t.id.toUpperCase()}`, `absent-${t.id}`]))), dir })).rejects.toThrow();
  }, 120_000);
});
