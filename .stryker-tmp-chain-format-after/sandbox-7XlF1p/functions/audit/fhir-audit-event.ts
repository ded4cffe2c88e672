// @ts-nocheck
import type { AuditEventView } from '../../shared/contracts/audit';

/**
 * Audit events as FHIR R4 AuditEvent resources in the shape of IHE Basic Audit Log Patterns (BALP):
 * RESTful interaction type/subtype, action code, recorded, outcome, the user as requestor agent
 * identified by HPR number, the vendor client as a second agent, the server as source, the
 * patient and the record as entities, the request id as the transaction entity, purpose of use.
 * Pure: the views call it on events they have already read and authorised.
 */

export const FHIR_SYSTEMS = {
  hpr: 'urn:oid:2.16.578.1.12.4.1.4.4',
  auditEventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  securitySourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  balpEntityType: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  action: 'urn:fellesjournal:audit:action',
  purpose: 'urn:fellesjournal:audit:purpose-of-use',
  reasonCode: 'urn:fellesjournal:audit:reason-code',
  role: 'urn:fellesjournal:role',
  user: 'urn:fellesjournal:user',
  client: 'urn:fellesjournal:vendor-client',
  tenant: 'urn:fellesjournal:tenant',
  unit: 'urn:fellesjournal:unit',
  requestId: 'urn:fellesjournal:request-id',
} as const;

const BALP_PROFILE = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.';

export type FhirAction = 'C' | 'R' | 'U' | 'D' | 'E';
type Interaction = 'create' | 'read' | 'update' | 'delete' | 'search-type' | 'operation';

const VERBS: Record<string, { action: FhirAction; interaction: Interaction }> = {};
const verbs = (list: string[], action: FhirAction, interaction: Interaction) => {
  for (const v of list) VERBS[v] = { action, interaction };
};
verbs(['read', 'get', 'view', 'history', 'retrieve', 'export', 'download', 'open'], 'R', 'read');
verbs(['search', 'list', 'find', 'query', 'timeline'], 'E', 'search-type');
verbs(['create', 'add', 'register', 'provision', 'grant', 'checkpoint', 'draft', 'share'], 'C', 'create');
verbs(['update', 'edit', 'sign', 'correct', 'review', 'suspend', 'resume', 'end', 'block', 'unblock', 'withdraw', 'revoke', 'set', 'consent'], 'U', 'update');
verbs(['delete', 'remove', 'offboard', 'shred', 'entered-in-error'], 'D', 'delete');

/** The FHIR action code and RESTful interaction for our dotted action (`entry.read` -> R/read). */
export function fhirActionOf(action: string): { action: FhirAction; interaction: Interaction } {
  const verb = action.split('.').at(-1) ?? action;
  return VERBS[verb] ?? { action: 'E', interaction: 'operation' };
}

/** Our purposes of use as HL7 v3 ActReason codes (the national trust framework uses the same four). */
const PURPOSE_CODES: Record<string, { code: string; display: string }> = {
  TREAT: { code: 'TREAT', display: 'treatment' },
  ETREAT: { code: 'ETREAT', display: 'Emergency Treatment' },
  COC: { code: 'COC', display: 'coordination of care' },
  BTG: { code: 'BTG', display: 'break the glass' },
  AUDIT: { code: 'HCOMPL', display: 'health compliance' },
  ADMIN: { code: 'HSYSADMIN', display: 'health system administration' },
  OPERATE: { code: 'HSYSADMIN', display: 'health system administration' },
  CITIZEN: { code: 'PATRQT', display: 'patient requested' },
};

const OUTCOMES: Record<AuditEventView['outcome'], { code: '0' | '4' | '8'; desc: string }> = {
  success: { code: '0', desc: 'Success' },
  denied: { code: '4', desc: 'Access denied' },
  failure: { code: '8', desc: 'Failure' },
};

function balpProfile(fhirAction: FhirAction, interaction: Interaction, hasPatient: boolean): string | undefined {
  const base = { C: 'Create', R: 'Read', U: 'Update', D: 'Delete', E: interaction === 'search-type' ? 'Query' : undefined }[fhirAction];
  return base ? `${BALP_PROFILE}${hasPatient ? 'Patient' : ''}${base}` : undefined;
}

export interface Coding {
  system: string;
  code: string;
  display?: string;
}
interface Identifier {
  system?: string;
  value: string;
}
interface CodeableConcept {
  coding: Coding[];
}

export interface FhirAuditAgent {
  type: CodeableConcept;
  who: { identifier: Identifier; display?: string };
  altId?: string;
  requestor: boolean;
  role?: CodeableConcept[];
  location?: { identifier: Identifier; display?: string };
  purposeOfUse?: CodeableConcept[];
}

export interface FhirAuditEntity {
  what: { reference?: string; identifier?: Identifier };
  type: Coding;
  role?: Coding;
}

/** The R4 AuditEvent fields we fill. */
export interface FhirAuditEvent {
  resourceType: 'AuditEvent';
  id: string;
  meta?: { profile: string[] };
  type: Coding;
  subtype: Coding[];
  action: FhirAction;
  recorded: string;
  outcome: '0' | '4' | '8';
  outcomeDesc: string;
  purposeOfEvent?: CodeableConcept[];
  agent: FhirAuditAgent[];
  source: { site: string; observer: { identifier: Identifier; display: string }; type: Coding[] };
  entity: FhirAuditEntity[];
}

export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'searchset';
  timestamp: string;
  link: { relation: string; url: string }[];
  entry: { fullUrl: string; resource: FhirAuditEvent; search: { mode: 'match' } }[];
}

/** One event as a FHIR R4 AuditEvent. `serverName` names the observer (the service). */
export function toFhirAuditEvent(e: AuditEventView, serverName = 'Fellesjournal'): FhirAuditEvent {
  const { action, interaction } = fhirActionOf(e.action);
  const profile = balpProfile(action, interaction, e.patientId !== undefined);
  const outcome = OUTCOMES[e.outcome];
  const actor = e.actor;
  const userIdentifier = actor.hpr ? { system: FHIR_SYSTEMS.hpr, value: actor.hpr } : { system: actor.clientId && !actor.name ? FHIR_SYSTEMS.client : FHIR_SYSTEMS.user, value: actor.sub };
  const roles = [
    ...actor.roles.map((r) => ({ system: FHIR_SYSTEMS.role, code: r })),
    ...(actor.profession ? [{ system: 'urn:fellesjournal:profession', code: actor.profession }] : []),
  ];
  const purpose = e.purposeOfUse ? PURPOSE_CODES[e.purposeOfUse] : undefined;
  const purposeOfUse: CodeableConcept[] | undefined = purpose
    ? [
        {
          coding: [
            { system: FHIR_SYSTEMS.actReason, code: purpose.code, display: purpose.display },
            { system: FHIR_SYSTEMS.purpose, code: e.purposeOfUse ?? '' },
            ...(e.reasonCode ? [{ system: FHIR_SYSTEMS.reasonCode, code: e.reasonCode }] : []),
          ],
        },
      ]
    : undefined;
  const agents: FhirAuditAgent[] = [
    {
      type: { coding: [{ system: FHIR_SYSTEMS.participationType, code: 'IRCP', display: 'information recipient' }] },
      who: { identifier: userIdentifier, ...(actor.name ? { display: actor.name } : {}) },
      altId: actor.sub,
      requestor: true,
      ...(roles.length > 0 ? { role: [{ coding: roles }] } : {}),
      ...(actor.tenant || actor.unit
        ? { location: { identifier: actor.unit ? { system: FHIR_SYSTEMS.unit, value: actor.unit } : { system: FHIR_SYSTEMS.tenant, value: actor.tenant ?? '' }, ...(actor.tenant ? { display: actor.tenant } : {}) } }
        : {}),
      ...(purposeOfUse ? { purposeOfUse } : {}),
    },
  ];
  if (actor.clientId && actor.clientId !== actor.sub) {
    // A vendor system acting for the user: BALP's client agent.
    agents.push({
      type: { coding: [{ system: FHIR_SYSTEMS.dicom, code: '110153', display: 'Source Role ID' }] },
      who: { identifier: { system: FHIR_SYSTEMS.client, value: actor.clientId } },
      requestor: false,
    });
  }
  agents.push({
    type: { coding: [{ system: FHIR_SYSTEMS.dicom, code: '110152', display: 'Destination Role ID' }] },
    who: { identifier: { system: FHIR_SYSTEMS.tenant, value: e.tenant }, display: serverName },
    requestor: false,
  });
  const entities: FhirAuditEntity[] = [];
  if (e.patientId) {
    entities.push({
      what: { reference: `Patient/${e.patientId}` },
      type: { system: FHIR_SYSTEMS.entityType, code: '1', display: 'Person' },
      role: { system: FHIR_SYSTEMS.objectRole, code: '1', display: 'Patient' },
    });
  }
  if (e.recordId) {
    entities.push({
      what: { identifier: { value: e.recordId } },
      type: { system: FHIR_SYSTEMS.entityType, code: '2', display: 'System Object' },
      role: { system: FHIR_SYSTEMS.objectRole, code: '4', display: 'Domain Resource' },
    });
  }
  entities.push({
    what: { identifier: { system: FHIR_SYSTEMS.requestId, value: e.requestId } },
    type: { system: FHIR_SYSTEMS.balpEntityType, code: 'XrequestId', display: 'X-Request-Id' },
  });
  return {
    resourceType: 'AuditEvent',
    id: e.id,
    ...(profile ? { meta: { profile: [profile] } } : {}),
    type: { system: FHIR_SYSTEMS.auditEventType, code: 'rest', display: 'Restful Operation' },
    subtype: [
      { system: FHIR_SYSTEMS.restfulInteraction, code: interaction },
      { system: FHIR_SYSTEMS.action, code: e.action },
    ],
    action,
    recorded: e.time,
    outcome: outcome.code,
    outcomeDesc: outcome.desc,
    ...(purposeOfUse ? { purposeOfEvent: purposeOfUse } : {}),
    agent: agents,
    source: {
      site: e.fromTenant ?? e.tenant,
      observer: { identifier: { system: FHIR_SYSTEMS.tenant, value: e.tenant }, display: serverName },
      type: [{ system: FHIR_SYSTEMS.securitySourceType, code: '4', display: 'Application Server' }],
    },
    entity: entities,
  };
}

/** A page of events as a FHIR searchset Bundle; `next` carries the page's opaque cursor. */
export function toFhirBundle(events: AuditEventView[], links: { self: string; next?: string }, now = new Date()): FhirBundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: now.toISOString(),
    link: [{ relation: 'self', url: links.self }, ...(links.next ? [{ relation: 'next', url: links.next }] : [])],
    entry: events.map((e) => ({ fullUrl: `urn:uuid:${e.id}`, resource: toFhirAuditEvent(e), search: { mode: 'match' } })),
  };
}
