// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry } from '../../shared/contracts/journal';
import { putUser } from '../../shared/tenancy/user-store';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship, signEntry } from '../support/patients';
import { readJson } from '../support/requests';
import { auditEvents } from '../support/tables';
import { clientCredentialsToken, onBehalfLogin, onBehalfToken, syntheticPidFor } from '../support/tokens';

/**
 * A vendor system acting on behalf of a logged-in clinician (issue 13.2): a user token issued to
 * the vendor's client. The person's registry roles and the vendor's grant and token scopes must
 * both allow the action; the clinician is the author and can sign; the audit names both.
 */
const stack = useTestStack();

const draftBody = { type: 'journalnotat', title: 'Konsultasjon', text: 'Skrevet i leverandørens journalsystem' };
let clientId: string;
let secret: string;

async function registerVendor(name: string, orgNumber: string): Promise<{ clientId: string; clientSecret: string }> {
  const res = await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: { name, orgNumber, contact: { name: 'Vera Vendor', email: 'vera@journalsystem.example' } } });
  expect(res.status).toBe(201);
  return readJson(res);
}

async function grant(id: string, scopes: string[]): Promise<void> {
  expect((await stack.call(`/v1/admin/vendor-grants/${id}`, { method: 'PUT', as: 'oslo.admin', json: { scopes } })).status).toBe(200);
}

const writeDraft = (token: string, patientId: string) => stack.call(`/v1/patients/${patientId}/entries`, { method: 'POST', token, json: draftBody, headers: { 'idempotency-key': `draft-${crypto.randomUUID()}` } });

describe('a vendor on behalf of a clinician', () => {
  let patientId: string;

  it('writes a draft whose author is the clinician (the vendor by name, not client id); the clinician signs it with her own token', async () => {
    ({ clientId, clientSecret: secret } = await registerVendor('Journalsystem Vest AS', '983887457'));
    await grant(clientId, ['journal.read', 'journal.write']);
    const patient = await createPatient(stack, 'oslo.admin', { nationalId: syntheticNationalId({ day: 10, month: 5, year: 1971 }, 333), name: 'Vigdis Via', birthDate: '1971-05-10', gender: 'unknown' });
    patientId = patient.id;
    await createRelationship(stack, 'oslo.lege', patientId);

    // The clinician logs in through the vendor's system (the local issuer's demo login, client authenticated).
    const token = await onBehalfToken(stack.url, 'oslo.lege', clientId, secret, 'journal.read journal.write');
    const res = await writeDraft(token, patientId);
    expect(res.status).toBe(201);
    const draft = (await res.json()) as Entry;
    expect(draft.author).toMatchObject({ sub: 'oslo.lege', hpr: '9100002', profession: 'lege', via: 'Journalsystem Vest AS' });
    expect(JSON.stringify(draft.author)).not.toContain(clientId);
    const read = await stack.call(`/v1/patients/${patientId}/entries/${draft.id}`, { as: 'oslo.lege' });
    expect(JSON.stringify(await read.json())).not.toContain(clientId);

    // The vendor acting as itself cannot sign the draft (no person, no HPR number).
    const machine = await clientCredentialsToken(stack.url, clientId, secret, 'journal.read journal.write');
    const byMachine = await stack.call(`/v1/patients/${patientId}/entries/${draft.id}/sign`, { method: 'POST', token: machine, tenant: '0301', headers: { 'if-match': '"v1"', 'idempotency-key': `sign-${crypto.randomUUID()}` } });
    expect(byMachine.status).toBe(403);

    // The clinician signs in the web client, with her own token.
    const signed = await signEntry(stack, 'oslo.lege', patientId, draft.id, '"v1"');
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ status: 'signed', author: { sub: 'oslo.lege', via: 'Journalsystem Vest AS' }, signedBy: { sub: 'oslo.lege' } });

    // The audit events name both: the clinician (sub, HPR) and the vendor client she acted through.
    const events = await auditEvents<{ action: string; outcome: string; actor: Record<string, unknown> }>('0301', patientId);
    const create = events.find((e) => e.action === 'entry.create' && e.outcome === 'success');
    expect(create?.actor).toMatchObject({ sub: 'oslo.lege', hpr: '9100002', clientId, roles: ['clinician'] });
    const sign = events.find((e) => e.action === 'entry.sign' && e.outcome === 'success');
    expect(sign?.actor).toMatchObject({ sub: 'oslo.lege' });
    expect(sign?.actor.clientId).toBeUndefined();
    expect(events.find((e) => e.action === 'entry.sign' && e.outcome === 'denied')?.actor).toMatchObject({ sub: clientId, roles: ['vendor'] });
  });

  it('lets the clinician sign through the vendor too', async () => {
    const token = await onBehalfToken(stack.url, 'oslo.lege', clientId, secret, 'journal.read journal.write');
    const draft = (await (await writeDraft(token, patientId)).json()) as Entry;
    const signed = await stack.call(`/v1/patients/${patientId}/entries/${draft.id}/sign`, { method: 'POST', token, headers: { 'if-match': '"v1"', 'idempotency-key': `sign-${crypto.randomUUID()}` } });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ status: 'signed', signedBy: { sub: 'oslo.lege', via: 'Journalsystem Vest AS' } });
  });

  it('refuses a person whose registry roles do not allow it, through the vendor as directly', async () => {
    await putUser({ id: 'oslo.revisor-via', name: 'Rita Revisor', roles: ['auditor'], tenant: '0301', unit: '0301-lege-torshov', pid: syntheticPidFor('oslo.revisor-via'), status: 'active' });
    const token = await onBehalfToken(stack.url, 'oslo.revisor-via', clientId, secret, 'journal.read journal.write');
    expect((await writeDraft(token, patientId)).status).toBe(403);
    expect((await stack.call(`/v1/patients/${patientId}/entries`, { method: 'POST', as: 'oslo.revisor-via', json: draftBody, headers: { 'idempotency-key': `draft-${crypto.randomUUID()}` } })).status).toBe(403);
  });

  it('refuses a vendor without the journal.write grant or token scope, even with the clinician behind it', async () => {
    const other = await registerVendor('Lesesystem AS', '916725264');
    await grant(other.clientId, ['journal.read']);
    const readOnly = await onBehalfToken(stack.url, 'oslo.lege', other.clientId, other.clientSecret, 'journal.read journal.write');
    const refused = await writeDraft(readOnly, patientId);
    expect(refused.status).toBe(403);
    expect(await readJson(refused)).toMatchObject({ missingScopes: ['journal.write'] });
    // Reading is within both the grant and the clinician's roles.
    expect((await stack.call(`/v1/patients/${patientId}`, { token: readOnly })).status).toBe(200);

    // Granted, but the token was not issued with journal.write.
    const narrow = await onBehalfToken(stack.url, 'oslo.lege', clientId, secret, 'journal.read');
    expect((await writeDraft(narrow, patientId)).status).toBe(403);
    // Not granted by the person's municipality at all: refused.
    const bergen = await onBehalfToken(stack.url, 'bergen.lege', clientId, secret, 'journal.read journal.write');
    expect((await stack.call('/v1/units', { token: bergen })).status).toBe(403);
  });

  it('authenticates the vendor at the token endpoint: a wrong secret gets no token on behalf of anyone', async () => {
    expect((await onBehalfLogin(stack.url, 'oslo.lege', clientId, 'wrong-secret', 'journal.read')).status).toBe(401);
  });
});
