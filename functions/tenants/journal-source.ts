/**
 * The journal's side of offboarding: every record of a tenant, decrypted, and how many there must
 * be: a total, or a count per record `kind` (the field each exported record carries), which lets
 * the comparison name what is missing.
 */
export interface JournalExportSource {
  /**
   * One page of the tenant's records after `cursor` (undefined: from the start) and the cursor of
   * the next page (absent after the last). The same cursor must give the same page again.
   */
  exportPage(tenant: string, cursor: string | undefined): Promise<{ records: Record<string, unknown>[]; nextCursor?: string }>;
  countTenantRecords(tenant: string): Promise<number | Record<string, number>>;
}

/** Total and per-kind tallies of what was written or counted. */
export interface RecordTally {
  total: number;
  byKind?: Record<string, number>;
}

export function tallyOf(counted: number | Record<string, number>): RecordTally {
  if (typeof counted === 'number') return { total: counted };
  return { total: Object.values(counted).reduce((a, b) => a + b, 0), byKind: { ...counted } };
}

/** Where an export and a count disagree: each differing kind, and the totals. Empty when they agree. */
export function tallyDifferences(exported: RecordTally, counted: RecordTally): string[] {
  const out: string[] = [];
  if (counted.byKind) {
    const kinds = new Set([...Object.keys(counted.byKind), ...Object.keys(exported.byKind ?? {})]);
    for (const kind of [...kinds].sort()) {
      const e = exported.byKind?.[kind] ?? 0;
      const c = counted.byKind[kind] ?? 0;
      if (e !== c) out.push(`${kind}: eksportert ${e}, talt ${c}`);
    }
  }
  if (exported.total !== counted.total) out.push(`totalt: eksportert ${exported.total}, talt ${counted.total}`);
  return out;
}
