// @ts-nocheck
import type { BenchScenario } from '../context';
import { alternating, load, throughputRow } from '../lib';
import { setUp } from './sharing';

const CONCURRENCY = 16;
const READS = 1200;
const ROUNDS = 4;

/**
 * fhir.mhd.find / fhir.mhd.retrieve: an Oslo clinician finds (ITI-67) and retrieves (ITI-68) a
 * Bergen document through /fhir/R4, measured in the same run beside the /v1 calls they map onto
 * (fhir.mhd.find.v1, fhir.mhd.retrieve.v1). The ratio is what the FHIR mapping layer costs;
 * goal >= 0.9.
 */
export const fhirScenario: BenchScenario = async (ctx) => {
  const fixtures = await setUp();
  const token = await ctx.stack.tokenFor('oslo.lege');
  const pick = (i: number) => fixtures[i % fixtures.length]!;
  const ok = async (path: string) => (await ctx.call(path, token)).status === 200;
  const findV1 = (i: number) => ok(`/v1/sharing/patients/${pick(i).readerPatientId}/documents`);
  const findFhir = (i: number) => ok(`/fhir/R4/DocumentReference?patient=${pick(i).readerPatientId}`);
  const getV1 = (i: number) => ok(`/v1/sharing/documents/${pick(i).documentId}`);
  const getFhir = (i: number) => ok(`/fhir/R4/Binary/${pick(i).documentId}`);

  // Warm both handler modules, the key caches and DynamoDB Local's JIT before measuring.
  for (const op of [findV1, findFhir, getV1, getFhir, findV1, findFhir, getV1, getFhir]) await load(op, { count: 300, concurrency: CONCURRENCY });

  const find = await alternating(findV1, findFhir, { count: READS, concurrency: CONCURRENCY, rounds: ROUNDS });
  const retrieve = await alternating(getV1, getFhir, { count: READS, concurrency: CONCURRENCY, rounds: ROUNDS });
  return [
    throughputRow('fhir.mhd.find.v1', find.base),
    throughputRow('fhir.mhd.find', find.op, find.base),
    throughputRow('fhir.mhd.retrieve.v1', retrieve.base),
    throughputRow('fhir.mhd.retrieve', retrieve.op, retrieve.base),
  ];
};
