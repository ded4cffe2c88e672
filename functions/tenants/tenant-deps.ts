import { jobSession } from '../../shared/db/sessions';
import { config } from '../../shared/config';
import { tenantKeyAdmin, type TenantKeyAdmin } from '../../shared/crypto/key-admin';
import { usageKeyAdmin, type UsageKeyAdmin } from '../../shared/auth/usage-key-admin';
import type { OpenExport } from './export-writer';
import { inProcessStarter, stepFunctionsStarter } from './offboard-workflow';
import type { JournalExportSource } from './journal-source';
import type { TenantServiceDeps } from './tenant-service';

// Resolved on first use, after the runtime's configuration is in place.
const keyAdmin: TenantKeyAdmin = {
  ensureKey: (t) => tenantKeyAdmin().ensureKey(t),
  keyExists: (t) => tenantKeyAdmin().keyExists(t),
  scheduleDeletion: (t, ref, after, now) => tenantKeyAdmin().scheduleDeletion(t, ref, after, now),
  destroyDue: (t, state, now) => tenantKeyAdmin().destroyDue(t, state, now),
};

// API Gateway's client is loaded only when a bucket is made (provisioning), not in every cold start.
const usageKeys: UsageKeyAdmin = { ensureBucket: async (spec) => (await usageKeyAdmin()).ensureBucket(spec) };

/**
 * Patients per export page: one page is one workflow step (one Lambda invocation in AWS), so it
 * must finish well inside the step's timeout even for patients with long histories.
 */
export const EXPORT_PATIENTS_PER_PAGE = 50;

/**
 * The journal's export, with its counts keyed by the `kind` its records carry. Only offboarding
 * uses it, so the journal's code is loaded then, not in every operator function's cold start.
 */
export async function journalExport(patientsPerPage = EXPORT_PATIENTS_PER_PAGE): Promise<JournalExportSource> {
  const { countTenantRecords, exportTenantJournalPage } = await import('../journal/export');
  return {
    // The offboarding export is a job: its sessions come from the one job-session factory.
    exportPage: (tenant, cursor) => exportTenantJournalPage(jobSession('export', tenant), cursor, patientsPerPage),
    async countTenantRecords(tenant) {
      const c = await countTenantRecords(jobSession('export', tenant));
      return { patient: c.patients, 'care-relationship': c.relationships, 'journal-entry': c.entries, 'journal-entry-version': c.entryVersions };
    },
  };
}

const openExport: OpenExport = async (target, folder, options) => (await import('./export-writer')).openExportFor(config().runtime, config().region)(target, folder, options);

/** The container's tenant-service dependencies. */
export function defaultTenantDeps(): TenantServiceDeps {
  const startJob: TenantServiceDeps['startJob'] = (job) => (config().runtime === 'aws' ? stepFunctionsStarter() : inProcessStarter(defaultTenantDeps))(job);
  return { keyAdmin, usageKeys, journal: () => journalExport(), openExport, now: () => new Date(), startJob };
}
