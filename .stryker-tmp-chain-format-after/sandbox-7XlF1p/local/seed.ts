// @ts-nocheck
import { platformDb } from '../shared/db/sessions';
import { tenantKeys } from '../shared/crypto';
import { controlKeys } from '../shared/tenancy/control-keys';
import { putUser } from '../shared/tenancy/user-store';
import { DEMO_TENANTS, DEMO_USERS } from './demo-data';
import { seedJournal } from './seeds/journal';
import { seedSharing } from './seeds/sharing';

/** A step that adds demo data of one service; services register theirs in SEED_STEPS. */
export type SeedStep = (region: string) => Promise<void>;

async function seedTenantsAndUsers(region: string): Promise<void> {
  for (const tenant of DEMO_TENANTS) {
    const key = controlKeys.tenant(tenant.id);
    try {
      await platformDb().put(
        'control',
        { ...key, ...controlKeys.tenantListing(tenant.id), ...tenant, region, status: 'active', keyRef: `local:${tenant.id}`, createdBy: 'seed', createdAt: new Date().toISOString() },
        { expression: 'attribute_not_exists(pk)' },
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionFailedError')) throw error;
    }
    // Creates the tenant's master key in the local keystore on first use.
    await tenantKeys().generateDataKey(tenant.id);
  }
  for (const user of DEMO_USERS) await putUser(user, true);
}

/** Demo data steps in order; later services append their own (patients, entries, ...). */
export const SEED_STEPS: SeedStep[] = [seedTenantsAndUsers, seedJournal, seedSharing];

/** Loads the demo data; safe to run again on a persisted database (existing items are kept). */
export async function seedDemoData(region: string): Promise<void> {
  for (const step of SEED_STEPS) await step(region);
}
