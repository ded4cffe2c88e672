import type { KeyMetadata, KMSClient } from '@aws-sdk/client-kms';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config';
import { assertTenantId } from '../db/keys';
import { tenantKeys } from './index';
import { tenantKeyPolicy, type TenantKeyPolicyRoles } from './key-policy';
import { kmsModule, lazyKmsClient } from './kms-module';
import { LocalKeystore } from './local-keystore';

/** KMS lets a key wait at most 30 days (at least 7) between ScheduleKeyDeletion and deletion. */
export const KMS_MAX_PENDING_DAYS = 30;
const KMS_MIN_PENDING_DAYS = 7;
const DAY_MS = 86_400_000;

export interface KeyDeletionState {
  keyRef: string;
  requestedAt: string;
  /** When the tenant's retention period ends; the key is destroyed no earlier. */
  deleteAfter: string;
  /** `disabled-until-due`: unusable now, destroyed when due; `pending-deletion`: KMS window running. */
  state: 'disabled-until-due' | 'pending-deletion' | 'destroyed';
  /** The date KMS will delete the key, once ScheduleKeyDeletion ran. */
  kmsDeletionDate?: string;
}

/**
 * Creates and retires a tenant's master key: the control plane's side of the per-tenant keys
 * (the data plane only uses them through TenantKeyProvider). KMS in AWS, the local keystore locally.
 */
export interface TenantKeyAdmin {
  /** Creates the tenant's key unless it exists; safe to call again after a failure. */
  ensureKey(tenant: string): Promise<{ keyRef: string; created: boolean }>;
  /** Whether the tenant has a usable key. */
  keyExists(tenant: string): Promise<boolean>;
  /**
   * Takes the key out of use now and schedules its destruction after `deleteAfter`. When that is
   * within KMS's pending window the deletion is scheduled at once; otherwise the key is disabled
   * and tagged, and `destroyDue` schedules it when the date comes.
   */
  scheduleDeletion(tenant: string, keyRef: string, deleteAfter: Date, now: Date): Promise<KeyDeletionState>;
  /** For a key whose retention has ended: start the final deletion (KMS: 30-day window). */
  destroyDue(tenant: string, state: KeyDeletionState, now: Date): Promise<KeyDeletionState>;
}

/**
 * The local keystore's files stand in for KMS keys: `local:<tenant>` is the key reference. They
 * have no key policy: on one machine whoever can read `.data/keys` can open every record. The
 * guarantees of shared/crypto/key-policy.ts hold only for KMS keys in AWS.
 */
export class LocalTenantKeyAdmin implements TenantKeyAdmin {
  constructor(private readonly keystore: LocalKeystore, private readonly dir: string) {}

  async ensureKey(tenant: string): Promise<{ keyRef: string; created: boolean }> {
    assertTenantId(tenant);
    const existed = this.keystore.hasKey(tenant);
    this.keystore.masterKey(tenant);
    return { keyRef: `local:${tenant}`, created: !existed };
  }

  async keyExists(tenant: string): Promise<boolean> {
    return this.keystore.hasKey(tenant);
  }

  async scheduleDeletion(tenant: string, keyRef: string, deleteAfter: Date, now: Date): Promise<KeyDeletionState> {
    // Sets the key file aside under its deletion date: from now on nothing can unwrap the tenant's data keys.
    this.keystore.scheduleDeletion(tenant, deleteAfter);
    return { keyRef, requestedAt: now.toISOString(), deleteAfter: deleteAfter.toISOString(), state: 'disabled-until-due' };
  }

  async destroyDue(tenant: string, state: KeyDeletionState, now: Date): Promise<KeyDeletionState> {
    assertTenantId(tenant);
    if (new Date(state.deleteAfter) > now) return state;
    if (existsSync(this.dir)) {
      for (const f of readdirSync(this.dir)) {
        if (f.startsWith(`tenant-${tenant}.key.delete-after-`)) rmSync(join(this.dir, f), { force: true });
      }
    }
    return { ...state, state: 'destroyed', kmsDeletionDate: now.toISOString() };
  }
}

/** The DR region of a region's tenant keys, and a KMS client there. */
export interface KeyReplicaTarget {
  region: string;
  client: () => Promise<KMSClient>;
}

/**
 * Per-tenant customer-managed KMS keys, found by the alias `<prefix><tenant>` and tagged `tenant`,
 * each created with its own key policy (shared/crypto/key-policy.ts), never KMS's default one.
 * Every key is a multi-Region primary key; with a DR region configured it is replicated there at
 * provisioning, under the same policy and alias, so the tables restored in the DR region decrypt
 * (docs/operations/restore.md). The KMS client (and its module) is made on first use: most
 * operator routes never touch a key.
 */
export class KmsTenantKeyAdmin implements TenantKeyAdmin {
  constructor(
    private readonly client: () => Promise<KMSClient>,
    private readonly aliasPrefix: string,
    /** The roles the key policy names; without them no key is created (fail closed). */
    private readonly policyRoles: TenantKeyPolicyRoles | undefined,
    private readonly replica?: KeyReplicaTarget,
  ) {}

  /** The key policy (shared by the primary and its replica); refuses without the roles. */
  private policy(tenant: string): string {
    // Without the roles the key would get KMS's default policy (account root kms:*): refuse instead.
    if (!this.policyRoles) throw new Error('No key policy roles configured: refusing to create a tenant key with the default key policy');
    return JSON.stringify(tenantKeyPolicy(tenant, this.policyRoles, this.replica ? { replicaRegion: this.replica.region } : {}));
  }

  private static tags(tenant: string) {
    return [
      { TagKey: 'tenant', TagValue: tenant },
      { TagKey: 'app', TagValue: 'fellesjournal' },
    ];
  }

  private async kms() {
    const [client, commands] = await Promise.all([this.client(), kmsModule()]);
    return { client, ...commands };
  }

  private alias(tenant: string): string {
    assertTenantId(tenant);
    return `${this.aliasPrefix}${tenant}`;
  }

  private async describe(tenant: string, inReplicaRegion = false) {
    const { client: primary, DescribeKeyCommand, NotFoundException } = await this.kms();
    const client = inReplicaRegion && this.replica ? await this.replica.client() : primary;
    try {
      return (await client.send(new DescribeKeyCommand({ KeyId: this.alias(tenant) }))).KeyMetadata;
    } catch (error) {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    }
  }

  async ensureKey(tenant: string): Promise<{ keyRef: string; created: boolean }> {
    const existing = await this.describe(tenant);
    if (existing?.Arn) {
      // A retry after a stop between the steps below finishes the replica.
      await this.ensureReplica(tenant, existing);
      return { keyRef: existing.Arn, created: false };
    }
    const policy = this.policy(tenant);
    const { client, CreateKeyCommand, EnableKeyRotationCommand, CreateAliasCommand } = await this.kms();
    // If we stop between CreateKey and CreateAlias the orphan key carries the tenant tag, so it can be found and removed.
    const created = await client.send(
      new CreateKeyCommand({
        Policy: policy,
        // KMS's lock-out check asks that the caller could PutKeyPolicy later. This role must not (its
        // IAM policy denies it), the case AWS documents the bypass for. The key stays manageable:
        // the policy always lets the account's administrators PutKeyPolicy (test/unit/tenant-key-policy.test.ts).
        BypassPolicyLockoutSafetyCheck: true,
        Description: `Fellesjournal tenant ${tenant} master key`,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        // Always multi-Region: a key can only be replicated (to a DR region, now or later) if it
        // was made so, and a single-Region key can never become one.
        MultiRegion: true,
        Tags: KmsTenantKeyAdmin.tags(tenant),
      }),
    );
    const keyId = created.KeyMetadata?.KeyId;
    const arn = created.KeyMetadata?.Arn;
    if (!keyId || !arn) throw new Error('KMS CreateKey returned no key id');
    await client.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    await client.send(new CreateAliasCommand({ AliasName: this.alias(tenant), TargetKeyId: keyId }));
    await this.ensureReplica(tenant, created.KeyMetadata!);
    return { keyRef: arn, created: true };
  }

  /**
   * The key's replica in the DR region, with the same policy, tags and alias (the data plane there
   * finds the key by alias, as here). Rotation is the primary's and applies to the replica.
   * Safe to repeat: what exists is left as it is.
   */
  private async ensureReplica(tenant: string, key: KeyMetadata): Promise<void> {
    if (!this.replica) return;
    // Keys made before keys were multi-Region cannot be replicated (restore.md says what then).
    if (!key.MultiRegion || !key.KeyId) return;
    if (await this.describe(tenant, true)) return;
    const { client, ReplicateKeyCommand, CreateAliasCommand } = await this.kms();
    if (!key.MultiRegionConfiguration?.ReplicaKeys?.some((r) => r.Region === this.replica!.region)) {
      await client.send(
        new ReplicateKeyCommand({
          KeyId: key.KeyId,
          ReplicaRegion: this.replica.region,
          Policy: this.policy(tenant),
          // As at CreateKey: the caller must not be able to change the policy afterwards.
          BypassPolicyLockoutSafetyCheck: true,
          Description: `Fellesjournal tenant ${tenant} master key (DR replica)`,
          Tags: KmsTenantKeyAdmin.tags(tenant),
        }),
      );
    }
    // A multi-Region key has the same key id in every region; aliases are per region.
    await (await this.replica.client()).send(new CreateAliasCommand({ AliasName: this.alias(tenant), TargetKeyId: key.KeyId }));
  }

  async keyExists(tenant: string): Promise<boolean> {
    const meta = await this.describe(tenant);
    return meta?.KeyState === 'Enabled';
  }

  async scheduleDeletion(tenant: string, keyRef: string, deleteAfter: Date, now: Date): Promise<KeyDeletionState> {
    const base = { keyRef, requestedAt: now.toISOString(), deleteAfter: deleteAfter.toISOString() };
    const { client, ScheduleKeyDeletionCommand, TagResourceCommand, DisableKeyCommand } = await this.kms();
    const days = Math.ceil((deleteAfter.getTime() - now.getTime()) / DAY_MS);
    if (days <= KMS_MAX_PENDING_DAYS) {
      const pending = Math.min(KMS_MAX_PENDING_DAYS, Math.max(KMS_MIN_PENDING_DAYS, days));
      const out = await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyRef, PendingWindowInDays: pending }));
      return { ...base, state: 'pending-deletion', kmsDeletionDate: out.DeletionDate?.toISOString() };
    }
    await client.send(new TagResourceCommand({ KeyId: keyRef, Tags: [{ TagKey: 'delete-after', TagValue: base.deleteAfter.slice(0, 10) }] }));
    await client.send(new DisableKeyCommand({ KeyId: keyRef }));
    return { ...base, state: 'disabled-until-due' };
  }

  async destroyDue(_tenant: string, state: KeyDeletionState, now: Date): Promise<KeyDeletionState> {
    if (state.state !== 'disabled-until-due' || new Date(state.deleteAfter) > now) return state;
    const { client, ScheduleKeyDeletionCommand } = await this.kms();
    const out = await client.send(new ScheduleKeyDeletionCommand({ KeyId: state.keyRef, PendingWindowInDays: KMS_MAX_PENDING_DAYS }));
    return { ...state, state: 'pending-deletion', kmsDeletionDate: out.DeletionDate?.toISOString() };
  }
}

let admin: TenantKeyAdmin | undefined;

/** The container's key admin: KMS under the function's own role in AWS, the process's keystore locally. */
export function tenantKeyAdmin(): TenantKeyAdmin {
  if (admin) return admin;
  const cfg = config();
  if (cfg.keys.provider === 'local') {
    // The same keystore instance the envelope uses, so a key set aside is forgotten by this process too.
    const keys = tenantKeys();
    if (!(keys instanceof LocalKeystore)) throw new Error('local key provider without a local keystore');
    admin = new LocalTenantKeyAdmin(keys, cfg.keys.keystoreDir ?? '.data/keys');
  } else {
    const replicaRegion = cfg.keys.replicaRegion;
    admin = new KmsTenantKeyAdmin(lazyKmsClient(cfg.region), cfg.keys.tenantKeyAliasPrefix, cfg.keys.policyRoles, replicaRegion ? { region: replicaRegion, client: lazyKmsClient(replicaRegion) } : undefined);
  }
  return admin;
}
