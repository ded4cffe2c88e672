import { config } from '../../shared/config';
import { tenantKeyAdmin, type TenantKeyAdmin } from '../../shared/crypto/key-admin';
import { openExportFor } from './export-writer';
import type { JournalExportSource } from './journal-source';
import type { TenantServiceDeps } from './tenant-service';

// Resolved on first use, after the runtime's configuration is in place.
const keyAdmin: TenantKeyAdmin = {
  ensureKey: (t) => tenantKeyAdmin().ensureKey(t),
  keyExists: (t) => tenantKeyAdmin().keyExists(t),
  scheduleDeletion: (t, ref, after, now) => tenantKeyAdmin().scheduleDeletion(t, ref, after, now),
  destroyDue: (t, state, now) => tenantKeyAdmin().destroyDue(t, state, now),
};

async function journalExport(): Promise<JournalExportSource> {
  // The journal service owns its export; the specifier is a variable until that module exists.
  const specifier = '../journal/export';
  const mod = (await import(/* @vite-ignore */ specifier)) as Partial<JournalExportSource>;
  if (typeof mod.exportTenantJournal !== 'function' || typeof mod.countTenantRecords !== 'function') {
    throw new Error('journal export is not available');
  }
  return mod as JournalExportSource;
}

/** The container's tenant-service dependencies. */
export function defaultTenantDeps(): TenantServiceDeps {
  return {
    keyAdmin,
    journal: journalExport,
    openExport: (target, folder) => openExportFor(config().runtime, config().region)(target, folder),
    now: () => new Date(),
  };
}
