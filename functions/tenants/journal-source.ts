/** The journal's side of offboarding: every record of a tenant, decrypted, and their number. */
export interface JournalExportSource {
  exportTenantJournal(tenant: string): AsyncIterable<Record<string, unknown>>;
  countTenantRecords(tenant: string): Promise<number>;
}
