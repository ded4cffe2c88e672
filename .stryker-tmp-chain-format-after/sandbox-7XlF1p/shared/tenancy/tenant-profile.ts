// @ts-nocheck
import { platformDb } from '../db/sessions';
import { controlKeys, type TenantStatus } from './control-keys';

export interface UnitProfile {
  id: string;
  name: string;
  kind: 'hjemmetjeneste' | 'sykehjem' | 'helsestasjon' | 'legekontor' | 'legevakt' | 'fysioterapi' | 'annet';
}

/** A municipality as the registry holds it. The control plane owns the full record. */
export interface TenantProfile {
  id: string;
  name: string;
  region: string;
  status: TenantStatus;
  units: UnitProfile[];
  [more: string]: unknown;
}

/** The registry entry of one municipality. */
export async function readTenantProfile(tenant: string): Promise<TenantProfile | undefined> {
  const key = controlKeys.tenant(tenant);
  return platformDb().get<TenantProfile>('control', key.pk, key.sk);
}

/**
 * Municipalities' profiles (names, units, status), each read at most once per request. The request
 * wrapper hands services a directory that already holds what it read with the caller's own entry
 * (shared/tenancy/tenant-access.ts).
 */
export class TenantDirectory {
  private readonly profiles = new Map<string, Promise<TenantProfile | undefined>>();

  constructor(known: Iterable<[string, TenantProfile | undefined]> = []) {
    for (const [tenant, profile] of known) this.profiles.set(tenant, Promise.resolve(profile));
  }

  profile(tenant: string): Promise<TenantProfile | undefined> {
    let p = this.profiles.get(tenant);
    if (!p) {
      p = readTenantProfile(tenant);
      this.profiles.set(tenant, p);
    }
    return p;
  }

  /** Reads the profiles not yet held in one round trip (before a loop that asks for each). */
  async load(tenants: Iterable<string>): Promise<void> {
    const missing = [...new Set(tenants)].filter((t) => !this.profiles.has(t));
    if (missing.length === 0) return;
    const read = platformDb().getMany<TenantProfile>('control', missing.map((t) => controlKeys.tenant(t)));
    missing.forEach((t, i) => {
      const profile = read.then((items) => items[i]);
      // Settled here: whoever asks for the profile later gets the failure, but a profile nobody
      // asks for must not turn a failed read into an unhandled rejection.
      profile.catch(() => undefined);
      this.profiles.set(t, profile);
    });
    await read;
  }
}

const registryReader = platformDb;

/** Every municipality in the registry with its status (the control table's tenant listing). */
export async function listRegistryTenants(): Promise<{ id: string; status: string }[]> {
  const out: { id: string; status: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await registryReader().query({ table: 'control', index: 'gsi1', partition: controlKeys.tenantListing('x').gsi1pk, limit: 100, cursor });
    for (const item of page.items) if (typeof item.id === 'string') out.push({ id: item.id, status: String(item.status) });
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
