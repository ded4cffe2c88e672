// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { AuditEventView } from '../../shared/contracts/audit';
import { fhirActionOf, toFhirAuditEvent, toFhirBundle } from '../../functions/audit/fhir-audit-event';

const read: AuditEventView = {
  id: '0b6f3c1e-1111-4222-8333-444455556666',
  stream: 'patient',
  seq: 7,
  time: '2025-03-01T10:15:00.000Z',
  tenant: '0301',
  action: 'entry.read',
  outcome: 'success',
  actor: { sub: 'oslo.lege', name: 'Lars Lege', hpr: '9100002', profession: 'lege', roles: ['clinician'], tenant: '0301', unit: '0301-lege-torshov' },
  requestId: 'req-1',
  patientId: 'pat-1',
  recordId: 'entry-9',
  purposeOfUse: 'TREAT',
  reasonCode: 'care-relationship',
  reason: 'fritekst',
};

describe('audit events as FHIR R4 AuditEvent (IHE BALP)', () => {
  it('maps a patient read to the BALP PatientRead shape', () => {
    const r = toFhirAuditEvent(read);
    expect(r.resourceType).toBe('AuditEvent');
    expect(r.meta?.profile).toEqual(['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead']);
    expect(r.type).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' });
    expect(r.subtype).toContainEqual({ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' });
    expect(r.action).toBe('R');
    expect(r.recorded).toBe(read.time);
    expect(r.outcome).toBe('0');
    const user = r.agent.find((a) => a.requestor);
    expect(user?.who.identifier).toEqual({ system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9100002' });
    expect(user?.who.display).toBe('Lars Lege');
    expect(user?.purposeOfUse?.[0]?.coding[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' });
    expect(r.purposeOfEvent?.[0]?.coding).toContainEqual({ system: 'urn:fellesjournal:audit:reason-code', code: 'care-relationship' });
    expect(r.entity.find((e) => e.what.reference === 'Patient/pat-1')?.role).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1' });
    expect(r.entity).toContainEqual(expect.objectContaining({ what: { identifier: { system: 'urn:fellesjournal:request-id', value: 'req-1' } } }));
    expect(r.source.observer.identifier.value).toBe('0301');
    // The free-text reason stays out of the export.
    expect(JSON.stringify(r)).not.toContain('fritekst');
  });

  it('maps actions to C/R/U/D/E and outcomes to 0/4/8', () => {
    expect(fhirActionOf('entry.create').action).toBe('C');
    expect(fhirActionOf('entry.sign').action).toBe('U');
    expect(fhirActionOf('patient.search')).toEqual({ action: 'E', interaction: 'search-type' });
    expect(fhirActionOf('tenant.offboard').action).toBe('D');
    expect(fhirActionOf('something.odd')).toEqual({ action: 'E', interaction: 'operation' });
    const denied = toFhirAuditEvent({ ...read, outcome: 'denied' });
    expect(denied.outcome).toBe('4');
    const query = toFhirAuditEvent({ ...read, action: 'patient.search', patientId: undefined, recordId: undefined });
    expect(query.meta?.profile).toEqual(['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Query']);
    expect(query.entity.some((e) => e.what.reference)).toBe(false);
  });

  it('names a vendor system as a separate, non-requesting client agent', () => {
    const r = toFhirAuditEvent({ ...read, actor: { sub: 'oslo.lege', name: 'Lars Lege', hpr: '9100002', roles: ['clinician'], clientId: 'epj-leverandor' } });
    expect(r.agent).toContainEqual(expect.objectContaining({ requestor: false, who: { identifier: { system: 'urn:fellesjournal:vendor-client', value: 'epj-leverandor' } } }));
  });

  it('wraps a page in a searchset Bundle with a next link', () => {
    const b = toFhirBundle([read], { self: '/v1/audit/events', next: '/v1/audit/events?cursor=abc' });
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(b.link).toContainEqual({ relation: 'next', url: '/v1/audit/events?cursor=abc' });
    expect(b.entry[0]?.fullUrl).toBe(`urn:uuid:${read.id}`);
    expect(b.entry[0]?.resource.resourceType).toBe('AuditEvent');
  });
});
