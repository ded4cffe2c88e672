import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The journal records of an offboarding export: its part files in order, one record per line. */
export function journalLines(location: string): Record<string, unknown>[] {
  return readdirSync(location)
    .filter((f) => /^journal-\d{5}\.ndjson$/.test(f))
    .sort()
    .flatMap((f) => readFileSync(join(location, f), 'utf8').split('\n').filter((l) => l.length > 0))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
