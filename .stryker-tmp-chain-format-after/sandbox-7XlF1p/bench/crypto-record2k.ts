// @ts-nocheck
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Envelope } from '../shared/crypto/envelope';
import { LocalKeystore } from '../shared/crypto/local-keystore';

/**
 * crypto.record2k, run by the journal scenario in a process of its own: the figure is what one
 * record's encrypt + decrypt costs (data key cached, as in a warm function), not what the bench's
 * own heap and sockets add to it. Prints the sorted samples (µs) as JSON.
 */
const crypto = new Envelope(new LocalKeystore(mkdtempSync(join(tmpdir(), 'fj-bench-keys-'))));
const entry = { title: 'Journalnotat', text: 'x'.repeat(2048 - 60), data: { n: 1 } };
const ctx = { tenant: '0301', patient: randomUUID(), record: `${randomUUID()}/v1`, kind: 'journal-entry' };
for (let i = 0; i < 3000; i++) await crypto.decryptJson(ctx, await crypto.encryptJson(ctx, entry));
const samples: number[] = [];
for (let i = 0; i < 5000; i++) {
  const t0 = process.hrtime.bigint();
  await crypto.decryptJson(ctx, await crypto.encryptJson(ctx, entry));
  samples.push(Number(process.hrtime.bigint() - t0) / 1000);
}
process.stdout.write(JSON.stringify(samples.sort((a, b) => a - b)));
