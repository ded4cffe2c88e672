import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { config } from '../config';
import { envelopeCrypto, envelopeWith, type Envelope } from '../crypto';
import { ForbiddenError } from '../errors';
import { dynamo, dynamoWith } from './client';
import { assertKeyInTenant, assertTenantId, sharedDocumentKey, tenantPrefix } from './keys';
import { PlatformDb, TenantDb, tenantScoped, type DataReach } from './tenant-db';
import type { TableId } from './tables';

/**
 * Sessions: the only way to a tenant-scoped database handle. A session is a capability, built
 * once per request from the verified caller (shared/http/handler.ts, through the vending step in
 * AWS: shared/auth/tenant-credentials.ts) or by the one job-session factory below, and handed to
 * the stores and services that need tenant data; nothing builds one from a tenant string it picked.
 *
 * - TenantSession: one municipality's data (journal, audit log, document index entries of its own).
 * - SharingReadSession: for reading ONE shared document of another municipality (its index item in
 *   the sharing table, by key: GetItem, or BatchGetItem beside the origin log's audit head) and
 *   appending the access to the origin's audit log (and the caller's own), nothing else of the
 *   origin. Without a document it only appends audit events.
 * - PlatformDb: the platform's own tables (control registry, region-wide sharing table), never a
 *   tenant-scoped one.
 *
 * In AWS the credentials behind a session carry the restriction (IAM, infra/constructs/permissions.ts);
 * locally (and in AWS too, as a second line) the reach refuses any key outside it before a request
 * leaves the process.
 */

/** Where a session's credentials come from: vended for a verified caller, or the function's own role. */
export type SessionCredentials = { kind: 'own' } | { kind: 'vended'; credentials: AwsCredentialIdentityProvider; cacheKey: string };

const OWN: SessionCredentials = { kind: 'own' };

function clientOf(credentials: SessionCredentials): (tenantData: boolean) => Promise<DynamoDBClient> {
  if (credentials.kind === 'own') return () => Promise.resolve(dynamo());
  // Every request of a vended session runs under its credentials: the narrow sharing-read role
  // must not reach the platform tables through the function's own role by way of this handle.
  const client = dynamoWith(credentials.cacheKey, credentials.credentials);
  return () => Promise.resolve(client);
}

/**
 * The envelope a session seals and opens with (made on first use): KMS under the session's own
 * credentials in AWS. Held until the caller is admitted, when the session was opened before the
 * registry answered: nothing is sealed or opened for a caller the registry may still refuse.
 */
function keysOf(credentials: SessionCredentials, admitted?: Promise<void>): () => Envelope {
  let keys: Envelope | undefined;
  return () => (keys ??= held(credentials.kind === 'own' ? envelopeCrypto() : envelopeWith(credentials.cacheKey, credentials.credentials), admitted));
}

/** The envelope whose every seal and open waits for `admitted` (and fails with its refusal). */
function held(envelope: Envelope, admitted: Promise<void> | undefined): Envelope {
  if (!admitted) return envelope;
  // A view of the shared envelope (its data-key cache stays the container's); encryptJson and
  // decryptJson call these two.
  const view = Object.create(envelope) as Envelope;
  view.encrypt = async (context, plaintext) => {
    await admitted;
    return envelope.encrypt(context, plaintext);
  };
  view.decrypt = async (context, sealed) => {
    await admitted;
    return envelope.decrypt(context, sealed);
  };
  return view;
}

function tenantReach(tenant: string, credentials: SessionCredentials, admitted?: Promise<void>): DataReach {
  const client = clientOf(credentials);
  return {
    ...(admitted ? { admitted } : {}),
    guard(table, key) {
      if (!tenantScoped.has(table)) return;
      assertKeyInTenant(tenant, key);
    },
    // A request that touches tenant data (alone, or a transaction with sharing-table writes) runs
    // under the session; one on the platform's tables alone under the function's own role.
    client: (tenantData) => (tenantData ? client(tenantData) : Promise.resolve(dynamo())),
  };
}

/** One municipality's data for one request or job. Obtained only from a factory in this module. */
export class TenantSession {
  readonly kind = 'tenant' as const;
  readonly db: TenantDb;

  private constructor(
    readonly tenant: string,
    /** Whose request it serves (`job:<name>` for a job); for logs and the per-container cache. */
    readonly holder: string,
    credentials: SessionCredentials,
    admitted?: Promise<void>,
  ) {
    assertTenantId(tenant);
    this.db = new TenantDb(tenant, tenantReach(tenant, credentials, admitted), keysOf(credentials, admitted));
  }

  /** Seals and opens this municipality's records (context `tenant` = this tenant). */
  get keys(): Envelope {
    return this.db.keys;
  }

  /** @internal Used by the factories in this module and ./session-source.ts only. */
  static open(tenant: string, holder: string, credentials: SessionCredentials, admitted?: Promise<void>): TenantSession {
    return new TenantSession(tenant, holder, credentials, admitted);
  }
}

/** What a sharing-read session may touch: the origin's audit log, the caller's own, one document item. */
export function sharingReadReach(origin: string, own: string | undefined, document: string | undefined, credentials: SessionCredentials, admitted?: Promise<void>): DataReach {
  const audits = [origin, ...(own ? [own] : [])].map((t) => `${tenantPrefix(t)}AUDIT#`);
  const doc = document === undefined ? undefined : sharedDocumentKey(origin, document);
  const client = clientOf(credentials);
  const refuse = (): never => {
    throw new ForbiddenError('Forsøk på å lese eller skrive data utenfor delingsøkten ble stoppet.', { guard: 'sharing-read' });
  };
  return {
    ...(admitted ? { admitted } : {}),
    // Checked for every key of a batch too (ScopedDb.getAcross), so a batch with any key beyond
    // these is refused whole before it leaves the process, as IAM refuses it in AWS.
    guard(table: TableId, key: string, write: boolean, sk?: string) {
      if (table === 'audit') {
        if (!audits.some((prefix) => key.startsWith(prefix))) refuse();
        return;
      }
      // The shared document's own index item, read only: never a patient, relationship or entry item.
      if (table === 'sharing' && doc && !write && key === doc.pk && sk === doc.sk) return;
      refuse();
    },
    client,
  };
}

/**
 * A narrow session of another municipality (the origin) for one cross-municipality read: one
 * shared document's index item by key (alone, or in a batch with audit heads), Decrypt only in
 * that document's key context, and appending the access to the origin's audit log and the
 * caller's own. Nothing else of the origin.
 */
export class SharingReadSession {
  readonly kind = 'sharing-read' as const;
  readonly db: TenantDb;

  private constructor(
    /** The municipality whose document is read. */
    readonly origin: string,
    /** The caller's own municipality (absent for a citizen). */
    readonly own: string | undefined,
    /** The entry id of the one document it may read (absent: audit appends only). */
    readonly document: string | undefined,
    credentials: SessionCredentials,
    admitted?: Promise<void>,
  ) {
    assertTenantId(origin);
    if (own !== undefined) assertTenantId(own);
    if (own === origin) throw new Error('a sharing-read session is for another municipality');
    const reach = sharingReadReach(origin, own, document, credentials, admitted);
    // Audit chains are written through TenantDb (functions/core/audit-chain.ts): the origin's log as
    // the audit peer of the caller's own, or alone for a citizen.
    const keys = keysOf(credentials, admitted);
    this.db = own === undefined ? new TenantDb(origin, reach, keys) : new TenantDb(own, reach, keys, origin);
  }

  /** Opens the one document (in AWS: kms:Decrypt only with that document's encryption context). */
  get keys(): Envelope {
    return this.db.keys;
  }

  /** @internal Used by the factories in this module and ./session-source.ts only. */
  static open(origin: string, own: string | undefined, document: string | undefined, credentials: SessionCredentials, admitted?: Promise<void>): SharingReadSession {
    return new SharingReadSession(origin, own, document, credentials, admitted);
  }
}

let platform: PlatformDb | undefined;

/** The platform's own tables (control registry, sharing index) under the function's own role. */
export function platformDb(): PlatformDb {
  platform ??= new PlatformDb({
    guard(table) {
      if (tenantScoped.has(table)) throw new ForbiddenError('Plattformtilgangen når ikke kommunenes data.', { guard: 'platform' });
    },
    client: () => Promise.resolve(dynamo()),
  });
  return platform;
}

/** The jobs that act for municipalities without a request: each named, so logs and reviews can tell them apart. */
export type JobName = 'anchor-beat' | 'audit-outbox' | 'export' | 'checkpoints' | 'seed' | 'operator' | 'message-delivery' | 'stats';

/**
 * THE job-session factory: sessions for work that acts for a municipality without a caller of
 * that municipality (the anchoring beat, delivery of owed audit events, the offboarding export,
 * checkpoint runs, local seeds, and the operator's audit events about a tenant).
 * They run under the job function's own role, whose IAM policy says what the job may do in any
 * municipality (append-only audit, read-only journal for the export); the session still confines
 * each handle to one municipality's keys.
 */
export function jobSession(job: JobName, tenant: string): TenantSession {
  return TenantSession.open(tenant, `job:${job}`, OWN);
}

/** Whether this function obtains tenant sessions from the vending step (AWS data plane). */
export function vendingConfigured(): boolean {
  return config().vendingFunction !== undefined;
}
