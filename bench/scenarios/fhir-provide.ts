import { randomUUID } from 'node:crypto';
import type { BenchScenario } from '../context';
import { alternating, load, throughputRow } from '../lib';
import { setUp } from './sharing';

const CONCURRENCY = 16;
const WRITES = 800;
const ROUNDS = 4;
const TEXT = 'Pasienten ble utskrevet i god form. Kontroll hos fastlege om to uker. '.repeat(8);

/** An ITI-65 transaction Bundle: SubmissionSet, DocumentReference and Binary for one patient. */
function provideBundle(patientId: string): Record<string, unknown> {
  const id = randomUUID();
  const doc = `urn:uuid:${randomUUID()}`;
  const bin = `urn:uuid:${randomUUID()}`;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${id}` },
    entry: [
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: {
          resourceType: 'List',
          status: 'current',
          mode: 'working',
          code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] },
          subject: { reference: `Patient/${patientId}` },
          entry: [{ item: { reference: doc } }],
        },
        request: { method: 'POST', url: 'List' },
      },
      {
        fullUrl: doc,
        resource: {
          resourceType: 'DocumentReference',
          status: 'current',
          type: { coding: [{ system: 'urn:fellesjournal:entry-type', code: 'epikrise' }] },
          subject: { reference: `Patient/${patientId}` },
          author: [
            { type: 'Organization', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: '983974899' }, display: 'Testsykehuset HF' },
            { type: 'Practitioner', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' }, display: 'Sykehus Legesen' },
          ],
          description: 'Epikrise',
          content: [{ attachment: { contentType: 'text/plain', url: bin } }],
        },
        request: { method: 'POST', url: 'DocumentReference' },
      },
      { fullUrl: bin, resource: { resourceType: 'Binary', contentType: 'text/plain', data: Buffer.from(TEXT, 'utf8').toString('base64') }, request: { method: 'POST', url: 'Binary' } },
    ],
  };
}

/**
 * fhir.mhd.provide: a Bergen clinician's system submits an epikrise as an ITI-65 Bundle to
 * /fhir/R4 (received, signed, indexed for sharing, audited, in one transaction), measured in the
 * same run beside the /v1 write that does the same work, POST /v1/patients/{id}/entries of the
 * same document with `"sign": true` (fhir.mhd.provide.v1): both store a signed epikrise, index it
 * for sharing and audit it in one transaction, so the ratio is the mapping layer alone; goal >= 0.9.
 * (A draft, the baseline before, skips the signing and the index: an unfair pair.)
 */
export const fhirProvideScenario: BenchScenario = async (ctx) => {
  const fixtures = await setUp();
  const token = await ctx.stack.tokenFor('bergen.lege');
  const pick = (i: number) => fixtures[i % fixtures.length]!.originPatientId;
  const createdBy = async (path: string, json: unknown) =>
    [200, 201].includes((await ctx.call(path, token, { method: 'POST', json, headers: { 'idempotency-key': `bench-${randomUUID()}` } })).status);
  const v1 = (i: number) => createdBy(`/v1/patients/${pick(i)}/entries`, { type: 'epikrise', title: 'Epikrise', text: TEXT, sign: true });
  const fhir = (i: number) => createdBy('/fhir/R4', provideBundle(pick(i)));

  // Warm both handler modules, the key caches and DynamoDB Local's JIT before measuring.
  for (const op of [v1, fhir, v1, fhir]) await load(op, { count: 200, concurrency: CONCURRENCY });

  const provide = await alternating(v1, fhir, { count: WRITES, concurrency: CONCURRENCY, rounds: ROUNDS });
  return [throughputRow('fhir.mhd.provide.v1', provide.base), throughputRow('fhir.mhd.provide', provide.op, provide.base)];
};
