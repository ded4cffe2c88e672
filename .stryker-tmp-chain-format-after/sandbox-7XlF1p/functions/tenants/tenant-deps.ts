// @ts-nocheck
import { jobSession } from '../../shared/db/sessions';
import { config } from '../../shared/config';
import { tenantKeyAdmin, type TenantKeyAdmin } from '../../shared/crypto/key-admin';
import type { OpenExport } from './export-writer';
import type { JournalExportSource } from './journal-source';
import type { TenantServiceDeps } from './tenant-service';

// Resolved on first use, after the runtime's configuration is in place.
const keyAdmin: TenantKeyAdmin = {
  ensureKey: (t) => tenantKeyAdmin().ensureKey(t),
  keyExists: (t) => tenantKeyAdmin().keyExists(t),
  scheduleDeletion: (t, ref, after, now) => tenantKeyAdmin().scheduleDeletion(t, ref, after, now),
  destroyDue: (t, state, now) => tenantKeyAdmin().destroyDue(t, state, now),
};

/**
 * The journal's export, with its counts keyed by the `kind` its records carry. Only offboarding
 * uses it, so the journal's code is loaded then, not in every operator function's cold start.
 */
async function journalExport(): Promise<JournalExportSource> {
  const { countTenantRecords, exportTenantJournal } = await import('../journal/export');
  return {
    // The offboarding export is a job: its sessions come from the one job-session factory.
    exportTenantJournal: (tenant) => exportTenantJournal(jobSession('export', tenant)),
    async countTenantRecords(tenant) {
      const c = await countTenantRecords(jobSession('export', tenant));
      return { patient: c.patients, 'care-relationship': c.relationships, 'journal-entry': c.entries, 'journal-entry-version': c.entryVersions };
    },
  };
}

const openExport: OpenExport = async (target, folder) => (await import('./export-writer')).openExportFor(config().runtime, config().region)(target, folder);

/** The container's tenant-service dependencies. */
export function defaultTenantDeps(): TenantServiceDeps {
  return { keyAdmin, journal: journalExport, openExport, now: () => new Date() };
}
