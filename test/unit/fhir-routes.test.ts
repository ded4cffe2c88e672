import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FHIR_BASE, FHIR_INTERACTIONS, fhirCreateNoteRoute, fhirReadConsentRoute, fhirReadNoteRoute, fhirRoutes, fhirUpdateNoteRoute } from '../../functions/fhir/routes';
import { englishFieldMessage } from '../../shared/http/problem-en';
import { NO_BASIS } from '../../functions/fhir/no-basis';
import { NOTE_ID_PATTERN, noteIdOf, parseNoteId, toNoteReference } from '../../functions/fhir/note-map';
import { conditionalCreateKey, journalIfMatch } from '../../functions/fhir/note-service';
import { createEntryRoute, getEntryRoute, signEntryRoute } from '../../functions/journal/routes';
import type { Entry } from '../../shared/contracts/journal';
import { ValidationError } from '../../shared/errors';
import { expectValidFhir } from '../support/fhir-validate';

/** The FHIR route factory: every route has the one shape, so none is wired by hand. */
describe('FHIR routes', () => {
  it('are all on the data plane under /fhir/R4, served by a handler file in functions/fhir/handlers', () => {
    for (const route of fhirRoutes) {
      expect(route.service, route.id).toBe('fhir');
      expect(route.plane, route.id).toBe('data');
      expect(route.path === FHIR_BASE || route.path.startsWith(`${FHIR_BASE}/`), route.path).toBe(true);
      expect(route.handler, route.id).toMatch(/^functions\/fhir\/handlers\/[a-z-]+\.ts$/);
      expect(existsSync(route.handler), route.handler).toBe(true);
    }
    expect(new Set(fhirRoutes.map((r) => `${r.method} ${r.path}`)).size).toBe(fhirRoutes.length);
  });

  it('every interaction the CapabilityStatement lists names a route of the table', () => {
    const ids = new Set<string>(fhirRoutes.map((r) => r.id));
    for (const i of FHIR_INTERACTIONS) expect(ids.has(i.routeId), i.routeId).toBe(true);
  });
});

describe('FHIR parameter problems', () => {
  /** The field messages a route's path and query schemas give for a value of the wrong shape. */
  function messagesFor(route: (typeof fhirRoutes)[number], bad: string): string[] {
    const out: string[] = [];
    const schemas = [(route as { params?: unknown }).params, (route as { query?: unknown }).query] as ({ safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } } | undefined)[];
    for (const schema of schemas) {
      if (!schema) continue;
      const shape = (schema as unknown as { def?: { shape?: Record<string, unknown> } }).def?.shape ?? {};
      const value = Object.fromEntries(Object.keys(shape).map((k) => [k, bad]));
      const parsed = schema.safeParse(value);
      if (!parsed.success) out.push(...parsed.error!.issues.map((i) => i.message));
    }
    return out;
  }

  it('a Consent id is named as a Consent id, not a note id, in Norwegian and in English', () => {
    const parsed = fhirReadConsentRoute.params.safeParse({ id: 'not-a-block' });
    expect(parsed.success).toBe(false);
    const message = parsed.error!.issues[0]!.message;
    expect(message).toMatch(/^Consent-id/);
    expect(message).not.toMatch(/Notat/);
    expect(englishFieldMessage(message)).toBe('Consent id: 64 hexadecimal characters');
  });

  it('every Norwegian field message of a FHIR path or search parameter has its English text', () => {
    const norwegian = /[æøåÆØÅ]|\b(sifre|tegn|krever|Søk|Dato|Brukerens|kode|heksadesimale|nummer)\b/;
    const missing: string[] = [];
    for (const route of fhirRoutes) {
      for (const bad of ['x', '0']) {
        for (const m of messagesFor(route, bad)) if (norwegian.test(m) && englishFieldMessage(m) === m) missing.push(`${route.id}: ${m}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('journal notes over FHIR', () => {
  const entry: Entry = {
    id: '3fa99d17-4357-4e32-b1ec-5f60269a756c',
    patientId: '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f',
    type: 'journalnotat',
    sharable: false,
    status: 'signed',
    version: 2,
    title: 'Konsultasjon',
    text: 'Pasienten er i bedring.',
    unit: '0301-lege-torshov',
    eventTime: '2026-12-01T10:00:00.000Z',
    createdAt: '2026-12-01T10:05:00.000Z',
    recordedAt: '2026-12-01T10:09:00.000Z',
    author: { sub: 'oslo.lege', name: 'Lars Lege', hpr: '9100002', profession: 'lege', via: 'Journalsystem Vest AS' },
    changedBy: { sub: 'oslo.lege' },
    signedAt: '2026-12-01T10:09:00.000Z',
    signedBy: { sub: 'oslo.lege', name: 'Lars Lege', hpr: '9100002' },
  };

  it('a note id names its patient and entry, in at most 64 FHIR id characters', () => {
    const id = noteIdOf(entry.patientId, entry.id);
    expect(id).toMatch(NOTE_ID_PATTERN);
    expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(parseNoteId(id)).toEqual({ patientId: entry.patientId, entryId: entry.id });
  });

  it('a signed entry is a valid R4 DocumentReference: final, author and signer as Practitioner by HPR, the municipality as custodian', () => {
    const doc = toNoteReference(entry, '0301', 'Oslo kommune');
    expectValidFhir(doc);
    expect(doc).toMatchObject({
      docStatus: 'final',
      author: [{ reference: 'Practitioner/9100002', identifier: { system: NO_BASIS.hpr, value: '9100002' }, display: 'Lars Lege, lege, via Journalsystem Vest AS' }],
      authenticator: { reference: 'Practitioner/9100002' },
      custodian: { reference: 'Organization/0301', identifier: { system: NO_BASIS.municipalityCodes, value: '0301' }, display: 'Oslo kommune' },
    });
    expect(toNoteReference({ ...entry, status: 'draft', signedBy: undefined, signedAt: undefined }, '0301').docStatus).toBe('preliminary');
    expect(toNoteReference({ ...entry, status: 'corrected' }, '0301').docStatus).toBe('amended');
  });

  it('If-Match in FHIR’s weak form names the journal version; If-None-Exist takes only identifier', () => {
    expect(journalIfMatch('W/"3"')).toBe('"v3"');
    expect(journalIfMatch('"v3"')).toBe('"v3"');
    expect(journalIfMatch(undefined)).toBeUndefined();
    expect(journalIfMatch('*')).toBe('*');
    expect(conditionalCreateKey('identifier=urn:x|1').key).toBe(conditionalCreateKey('identifier=urn:x|1').key);
    expect(conditionalCreateKey('identifier=urn:x|1').key).not.toBe(conditionalCreateKey('identifier=urn:x|2').key);
    expect(() => conditionalCreateKey('patient=Patient/1')).toThrow(ValidationError);
    expect(() => conditionalCreateKey('identifier=a&identifier=b&x=1')).toThrow(ValidationError);
  });

  it('the note routes take their access from the /v1 routes they map onto', () => {
    const access = (r: { auth: string; tenant: string; roles?: readonly string[]; scopes?: readonly string[] }) => ({ auth: r.auth, tenant: r.tenant, roles: r.roles, scopes: r.scopes });
    expect(access(fhirReadNoteRoute)).toEqual(access(getEntryRoute));
    expect(access(fhirCreateNoteRoute)).toEqual(access(createEntryRoute));
    expect(access(fhirUpdateNoteRoute)).toEqual(access(signEntryRoute));
  });
});
