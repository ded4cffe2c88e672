// @ts-nocheck
import type { BenchScenario } from '../context';
import { alternating, load, throughputRow } from '../lib';
import { setUp } from './journal';

const USER = 'oslo.lege';
/** The load: 32 concurrent readers (a shift, an emergency, a vendor system syncing a record). */
const CONCURRENCY = 32;
const READS = 1600;
const ROUNDS = 4;

/**
 * journal.read.hot-patient: 32 concurrent readers of one entry of one patient through the gateway,
 * each read audited in that patient's log; beside it, in mirrored rounds of the same run, the same
 * read at the same concurrency spread over 64 patients (`journal.read.many-patients`). The ratio
 * (one patient / many) shows what one busy log costs; goal >= 0.7 and no errors (a 429 is one).
 */
export const hotPatientScenario: BenchScenario = async (ctx) => {
  const fixtures = await setUp();
  const token = await ctx.stack.tokenFor(USER);
  const read = async (f: { patientId: string; entryId: string }) => (await ctx.call(`/v1/patients/${f.patientId}/entries/${f.entryId}`, token)).status === 200;
  const hot = fixtures[0]!;
  const spread = (i: number) => read(fixtures[i % fixtures.length]!);
  const onePatient = () => read(hot);

  // Warm the JVM, the handler modules and the key caches before measuring.
  await load(spread, { count: 400, concurrency: CONCURRENCY });
  await load(onePatient, { count: 200, concurrency: CONCURRENCY });

  const { base, op } = await alternating(spread, onePatient, { count: READS, concurrency: CONCURRENCY, rounds: ROUNDS });
  return [throughputRow('journal.read.many-patients', base), throughputRow('journal.read.hot-patient', op, base)];
};
