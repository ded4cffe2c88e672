import { randomBytes, randomUUID } from 'node:crypto';
import { BatchGetItemCommand, GetItemCommand, QueryCommand, TransactWriteItemsCommand, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { config } from '../shared/config';
import { tenantKey } from '../shared/db/keys';
import { controlKeys } from '../shared/tenancy/control-keys';
import { dayIndexPartition, dayShardOf } from '../functions/core/chain-format';
import { journalKeys } from '../functions/core/journal-record';
import { sharingKeys } from '../functions/core/sharing-record';

/**
 * The least DynamoDB work each measured operation can do with today's guarantees, issued directly
 * with the SDK: the baseline the `journal.*`, `sharing.retrieve`, `patient.search` and
 * `timeline.page` rows are divided by. The guarantees it keeps:
 * - the municipality's status and the person's registry entry are read on every request (suspension
 *   and disabling effective on the next request), strongly consistent;
 * - the access facts (the patient's relationship with the user, the citizen's blocks, consents and
 *   emergency grants) are read on every access, strongly consistent, beside the record itself: one
 *   item per patient and per citizen here (`BENCH#ACCESS`, `BENCH#FACTS`), i.e. co-located so one
 *   BatchGetItem fetches them with the registry entries, the record and the audit head;
 * - the audit event is written in the same transaction as the change (or, for a read, before the
 *   answer), appended to its hash chain under a condition on the head, so a lost race retries.
 * So an audited read is 2 calls at depth 2 (one BatchGetItem, one TransactWriteItems of event and
 * head), a signed write the same 2 (the entry, its version, the idempotency record, the event and
 * the head in one transaction), a retrieval across municipalities 2 (both logs in one transaction),
 * a timeline page 3 at depth 2 (the index query beside the BatchGetItem: an index cannot be read
 * in a batch) and a search by national id 3 at depth 3 (the lookup names the patient whose access
 * facts are then read). Items are sized as the real ones (~2 KB sealed entries, ~1 KB events with
 * their three index keys), under keys of their own (`BENCH`), so no real chain is touched.
 */

const ACCESS_SK = 'BENCH#ACCESS';
const FACTS_SK = 'BENCH#FACTS';

type Key = { pk: string; sk: string };

export interface MinimumFixture {
  tenant: string;
  user: string;
  patientId: string;
  /** The key of the record the operation reads (entry or shared document). */
  entryId: string;
}

export class MinimumCalls {
  private readonly tables = config().tables;
  constructor(private readonly dynamo: DynamoDBClient) {}

  private citizenPk(patientId: string): string {
    return sharingKeys.citizenPk(`bench${patientId.replaceAll('-', '')}`);
  }

  private stream(tenant: string, patientId: string): string {
    return tenantKey(tenant, 'BENCH', 'AUDIT', patientId);
  }

  /** The co-located access facts of a patient: written once by the bench's set-up. */
  accessItems(tenant: string, patientId: string, user: string): { table: string; item: Record<string, unknown> }[] {
    return [
      { table: this.tables.journal, item: { pk: journalKeys.patientPk(tenant, patientId), sk: ACCESS_SK, relationships: [{ user, reasonCode: 'ordinary-care', from: '2026-01-01' }], patient: randomBytes(300).toString('base64') } },
      { table: this.tables.sharing, item: { pk: this.citizenPk(patientId), sk: FACTS_SK, blocks: [], consents: [], emergency: [] } },
    ];
  }

  /** One consistent BatchGetItem over several tables; unprocessed keys read again. */
  private async batchGet(keys: Record<string, Key[]>): Promise<Record<string, Record<string, unknown>[]>> {
    let request: Record<string, { Keys: Record<string, AttributeValue>[]; ConsistentRead: boolean }> = Object.fromEntries(
      Object.entries(keys).map(([table, ks]) => [table, { Keys: ks.map((k) => marshall(k)), ConsistentRead: true }]),
    );
    const out: Record<string, Record<string, unknown>[]> = {};
    while (Object.keys(request).length > 0) {
      const page = await this.dynamo.send(new BatchGetItemCommand({ RequestItems: request }));
      for (const [table, items] of Object.entries(page.Responses ?? {})) (out[table] ??= []).push(...items.map((i) => unmarshall(i)));
      request = (page.UnprocessedKeys ?? {}) as typeof request;
    }
    return out;
  }

  private registry(tenant: string, user: string): Key[] {
    return [controlKeys.tenant(tenant), controlKeys.user(user)];
  }

  private access(tenant: string, patientId: string): Key {
    return { pk: journalKeys.patientPk(tenant, patientId), sk: ACCESS_SK };
  }

  private facts(patientId: string): Key {
    return { pk: this.citizenPk(patientId), sk: FACTS_SK };
  }

  private event(tenant: string, user: string, stream: string, seq: number): TransactWriteItem {
    const time = new Date().toISOString();
    const eventId = randomUUID();
    return {
      Put: {
        TableName: this.tables.audit,
        Item: marshall({
          pk: stream,
          sk: `E#${String(seq + 1).padStart(12, '0')}`,
          payload: randomBytes(450).toString('hex'),
          gsi1pk: tenantKey(tenant, 'AUDIT', 'USER', user),
          gsi1sk: `${time}#${randomUUID()}`,
          gsi2pk: dayIndexPartition(tenant, time.slice(0, 10), dayShardOf(eventId, config().auditDayShards)),
          gsi2sk: `${time}#${eventId}`,
          gsi3pk: tenantKey(tenant, 'AUDIT', 'CITIZEN', stream.slice(-20)),
          gsi3sk: `${time}#${randomUUID()}`,
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private head(stream: string, seq: number): TransactWriteItem {
    return {
      Put: {
        TableName: this.tables.audit,
        Item: marshall({ pk: stream, sk: 'HEAD', seq: seq + 1, hash: randomBytes(32).toString('hex') }),
        ...(seq === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'seq = :s', ExpressionAttributeValues: marshall({ ':s': seq }) }),
      },
    };
  }

  private seqOf(items: Record<string, unknown>[] | undefined, stream: string): number {
    const head = items?.find((i) => i.pk === stream && i.sk === 'HEAD');
    return head ? Number(head.seq) : 0;
  }

  /**
   * The audited transaction: `writes` with one event per stream and the heads' moves, conditional
   * on the heads read by the first call; a lost race re-reads the heads (one GetItem each) and retries.
   */
  private async commit(tenant: string, user: string, streams: { stream: string; seq: number }[], writes: TransactWriteItem[]): Promise<void> {
    let heads = streams;
    for (let attempt = 0; attempt < 12; attempt++) {
      const items = heads.flatMap(({ stream, seq }) => [this.event(tenant, user, stream, seq), this.head(stream, seq)]);
      try {
        await this.dynamo.send(new TransactWriteItemsCommand({ TransactItems: [...writes, ...items] }));
        return;
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * Math.random()));
        heads = await Promise.all(
          heads.map(async ({ stream }) => {
            const head = (await this.dynamo.send(new GetItemCommand({ TableName: this.tables.audit, Key: marshall({ pk: stream, sk: 'HEAD' }), ConsistentRead: true }))).Item;
            return { stream, seq: head ? Number(unmarshall(head).seq) : 0 };
          }),
        );
      }
    }
    throw new Error('audit head contended');
  }

  /** An audited read of one entry: registry, access facts, entry and audit head in one batch; then event and head. */
  async read(f: MinimumFixture): Promise<void> {
    const stream = this.stream(f.tenant, f.patientId);
    const got = await this.batchGet({
      [this.tables.control]: this.registry(f.tenant, f.user),
      [this.tables.journal]: [this.access(f.tenant, f.patientId), { pk: journalKeys.patientPk(f.tenant, f.patientId), sk: journalKeys.entrySk(f.entryId) }],
      [this.tables.sharing]: [this.facts(f.patientId)],
      [this.tables.audit]: [{ pk: stream, sk: 'HEAD' }],
    });
    await this.commit(f.tenant, f.user, [{ stream, seq: this.seqOf(got[this.tables.audit], stream) }], []);
  }

  /** A signed entry written in one request: the checks in one batch, then entry, version, idempotency record and event in one transaction. */
  async writeSigned(f: Omit<MinimumFixture, 'entryId'>): Promise<void> {
    const stream = this.stream(f.tenant, f.patientId);
    const pk = journalKeys.patientPk(f.tenant, f.patientId);
    const idem = { pk: journalKeys.idempotencyPk(f.tenant, randomUUID()), sk: 'IDEM' };
    const got = await this.batchGet({
      [this.tables.control]: this.registry(f.tenant, f.user),
      [this.tables.journal]: [this.access(f.tenant, f.patientId), idem],
      [this.tables.sharing]: [this.facts(f.patientId)],
      [this.tables.audit]: [{ pk: stream, sk: 'HEAD' }],
    });
    const entryId = randomUUID();
    const sealed = randomBytes(1100);
    // Timeline index keys as a real entry's, in a partition of their own: the real timeline must not list these.
    const timeline = { gsi1pk: `${journalKeys.timelinePk(f.tenant, f.patientId)}#BENCH`, gsi1sk: `${new Date().toISOString()}#${entryId}` };
    const put = (item: Record<string, unknown>): TransactWriteItem => ({ Put: { TableName: this.tables.journal, Item: marshall(item), ConditionExpression: 'attribute_not_exists(pk)' } });
    await this.commit(f.tenant, f.user, [{ stream, seq: this.seqOf(got[this.tables.audit], stream) }], [
      put({ ...idem, sealed: randomBytes(1300), expiresAt: 0 }),
      put({ pk, sk: `BENCH#${entryId}`, version: 2, status: 'signed', sealed, ...timeline }),
      put({ pk, sk: `BENCH#${entryId}#V#000002`, version: 2, sealed }),
    ]);
  }

  /**
   * A retrieval across municipalities: the reader's registry entries, the document's index item,
   * the origin's entry, the reader's and the citizen's access facts and both audit heads in one
   * batch; then both events and both heads in one transaction.
   */
  async retrieve(f: { readerTenant: string; user: string; readerPatientId: string; originTenant: string; originPatientId: string; entryId: string }): Promise<void> {
    const readerStream = this.stream(f.readerTenant, f.readerPatientId);
    const originStream = this.stream(f.originTenant, f.originPatientId);
    const got = await this.batchGet({
      [this.tables.control]: this.registry(f.readerTenant, f.user),
      [this.tables.journal]: [this.access(f.readerTenant, f.readerPatientId), { pk: journalKeys.patientPk(f.originTenant, f.originPatientId), sk: journalKeys.entrySk(f.entryId) }],
      [this.tables.sharing]: [this.facts(f.originPatientId), { pk: sharingKeys.documentPk(f.originTenant, f.entryId), sk: sharingKeys.documentSk }],
      [this.tables.audit]: [{ pk: readerStream, sk: 'HEAD' }, { pk: originStream, sk: 'HEAD' }],
    });
    const heads = got[this.tables.audit];
    await this.commit(f.readerTenant, f.user, [{ stream: readerStream, seq: this.seqOf(heads, readerStream) }, { stream: originStream, seq: this.seqOf(heads, originStream) }], []);
  }

  /** A page of the timeline: the index query beside the batch of checks (an index is not batchable); then the event. */
  async timeline(f: Omit<MinimumFixture, 'entryId'>): Promise<void> {
    const stream = this.stream(f.tenant, f.patientId);
    const [got] = await Promise.all([
      this.batchGet({
        [this.tables.control]: this.registry(f.tenant, f.user),
        [this.tables.journal]: [this.access(f.tenant, f.patientId)],
        [this.tables.sharing]: [this.facts(f.patientId)],
        [this.tables.audit]: [{ pk: stream, sk: 'HEAD' }],
      }),
      this.dynamo.send(
        new QueryCommand({
          TableName: this.tables.journal,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': journalKeys.timelinePk(f.tenant, f.patientId) }),
          ScanIndexForward: false,
          Limit: 50,
        }),
      ),
    ]);
    await this.commit(f.tenant, f.user, [{ stream, seq: this.seqOf(got[this.tables.audit], stream) }], []);
  }

  /**
   * A search by national id: the registry entries and the lookup item in one batch; then the
   * patient, their access facts and the audit head; then the event.
   */
  async search(f: Omit<MinimumFixture, 'entryId'> & { lookup: Key }): Promise<void> {
    const stream = this.stream(f.tenant, f.patientId);
    await this.batchGet({ [this.tables.control]: this.registry(f.tenant, f.user), [this.tables.journal]: [f.lookup] });
    const got = await this.batchGet({
      [this.tables.journal]: [{ pk: journalKeys.patientPk(f.tenant, f.patientId), sk: journalKeys.patientSk }, this.access(f.tenant, f.patientId)],
      [this.tables.sharing]: [this.facts(f.patientId)],
      [this.tables.audit]: [{ pk: stream, sk: 'HEAD' }],
    });
    await this.commit(f.tenant, f.user, [{ stream, seq: this.seqOf(got[this.tables.audit], stream) }], []);
  }
}
