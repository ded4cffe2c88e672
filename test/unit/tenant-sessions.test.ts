import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import type { VendRequest } from '../../shared/auth/tenant-credentials';
import { sharedDocumentKey, tenantKey } from '../../shared/db/keys';
import { inProcessSessions } from '../../shared/db/session-source';
import { jobSession, platformDb } from '../../shared/db/sessions';
import { ForbiddenError } from '../../shared/errors';
import { sessionTags } from '../../infra/functions/session-vendor';

const osloNurse: Caller = { sub: 'oslo.sykepleier', kind: 'person', roles: ['clinician'], scopes: [], tenant: '0301', expiresAt: 0 };
const citizen: Caller = { sub: 'innbygger.kari', kind: 'person', roles: ['citizen'], scopes: [], pid: '13097248022', expiresAt: 0 };

describe('a tenant session', () => {
  it('for tenant A refuses every key of tenant B before anything reaches DynamoDB', async () => {
    const { own } = await inProcessSessions(osloNurse, '0301');
    const bergen = tenantKey('4601', 'P', 'p1');
    await expect(own!.db.get('journal', bergen, 'PATIENT')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(own!.db.put('journal', { pk: bergen, sk: 'PATIENT' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(own!.db.query({ table: 'audit', index: 'gsi3', partition: tenantKey('4601', 'AUDIT', 'CITIZEN', 'k') })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(own!.db.getMany('journal', [{ pk: tenantKey('0301', 'P', 'p2'), sk: 'PATIENT' }, { pk: bergen, sk: 'PATIENT' }])).rejects.toBeInstanceOf(ForbiddenError);
    expect(own!.tenant).toBe('0301');
  });

  it('from the job factory is one municipality too', async () => {
    const job = jobSession('audit-outbox', '4601');
    await expect(job.db.put('audit', { pk: tenantKey('0301', 'AUDIT', 'TENANT'), sk: 'E#1' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(() => jobSession('export', '0000x')).toThrow();
  });

  it('the platform client reaches the registry and the sharing index, never a tenant-scoped table', async () => {
    for (const table of ['journal', 'audit'] as const) {
      await expect(platformDb().get(table, tenantKey('0301', 'P', 'p1'), 'PATIENT')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(platformDb().query({ table, partition: tenantKey('0301', 'AUDIT', 'TENANT') })).rejects.toBeInstanceOf(ForbiddenError);
    }
  });
});

describe('the sharing-read capability', () => {
  it('refuses the origin\'s patient, relationship and other entry items, and any write but audit', async () => {
    const sessions = await inProcessSessions(osloNurse, '0301');
    const reading = await sessions.sharingRead('4601', 'e1');
    const patientPk = tenantKey('4601', 'P', 'p1');
    await expect(reading.db.get('journal', patientPk, 'PATIENT')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reading.db.get('journal', patientPk, 'REL#r1')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reading.db.get('journal', patientPk, 'ENTRY#e1')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reading.db.query({ table: 'journal', partition: patientPk })).rejects.toBeInstanceOf(ForbiddenError);
    // Another document, the document listing by citizen, or writing the document item: refused.
    const other = sharedDocumentKey('4601', 'e2');
    await expect(reading.db.get('sharing', other.pk, other.sk)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reading.db.query({ table: 'sharing', index: 'gsi1', partition: 'DOCS#abc' })).rejects.toBeInstanceOf(ForbiddenError);
    const doc = sharedDocumentKey('4601', 'e1');
    await expect(reading.db.put('sharing', { ...doc, itemType: 'document' })).rejects.toBeInstanceOf(ForbiddenError);
    // Nor the caller's own journal: the session is for this one read and its audit events.
    await expect(reading.db.get('journal', tenantKey('0301', 'P', 'p2'), 'PATIENT')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(reading.db.put('audit', { pk: tenantKey('1804', 'AUDIT', 'TENANT'), sk: 'E#1' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(reading.db.auditPeer).toBe('4601');
  });

  it('refuses a batch of the one document with any key beyond it and the audit heads, whole, before anything is sent', async () => {
    const sessions = await inProcessSessions(osloNurse, '0301');
    const reading = await sessions.sharingRead('4601', 'e1');
    const doc = { table: 'sharing' as const, ...sharedDocumentKey('4601', 'e1') };
    const originHead = { table: 'audit' as const, pk: tenantKey('4601', 'AUDIT', 'P', 'p1'), sk: 'HEAD' };
    const sent = vi.spyOn(DynamoDBClient.prototype, 'send').mockImplementation(() => {
      throw new Error('sent to DynamoDB');
    });
    try {
      for (const extra of [
        { table: 'sharing' as const, ...sharedDocumentKey('4601', 'e2') },
        { table: 'sharing' as const, ...sharedDocumentKey('1804', 'e1') },
        { table: 'sharing' as const, pk: 'CIT#abc', sk: 'FACTS' },
        { table: 'sharing' as const, pk: doc.pk, sk: 'OTHER' },
        { table: 'journal' as const, pk: tenantKey('4601', 'P', 'p1'), sk: 'PATIENT' },
        { table: 'audit' as const, pk: tenantKey('1804', 'AUDIT', 'P', 'p1'), sk: 'HEAD' },
      ]) {
        await expect(reading.db.getAcross([doc, originHead, extra]), `${extra.table} ${extra.pk} ${extra.sk}`).rejects.toBeInstanceOf(ForbiddenError);
      }
      // Nothing left the process (the batch of the document and the origin's head alone is sent:
      // test/integration/sharing-retrieve-calls.test.ts).
      expect(sent).not.toHaveBeenCalled();
    } finally {
      sent.mockRestore();
    }
  });

  it('is never a session of the caller\'s own municipality', async () => {
    const sessions = await inProcessSessions(osloNurse, '0301');
    await expect(sessions.sharingRead('0301', 'e1')).rejects.toThrow(/another municipality/);
  });
});

describe('the vending step', () => {
  // resolveTenant's answer for these callers (the registry mapping); its internals are not the vending step's.
  const ask = (caller: Caller, wish: VendRequest['wish']) => sessionTags(caller, { authorization: 'Bearer x', wish }, async () => caller.tenant ?? '');

  it('tags a tenant session with the caller\'s municipality from the registry, and refuses any other', async () => {
    expect(await ask(osloNurse, { kind: 'tenant', tenant: '0301' })).toEqual({ role: 'tenant', tags: { tenant: '0301' } });
    expect(await ask(osloNurse, { kind: 'tenant', tenant: '4601' })).toEqual({ refused: 'not-the-callers-municipality' });
    expect(await ask(osloNurse, { kind: 'citizen', tenant: '4601' })).toEqual({ refused: 'not-a-citizen' });
  });

  it('tags a sharing-read session with the origin, the one document and the caller\'s own municipality', async () => {
    expect(await ask(osloNurse, { kind: 'sharing-read', origin: '4601', document: 'e1' })).toEqual({ role: 'sharing-read', tags: { origin: '4601', tenant: '0301', document: 'e1' } });
    expect(await ask(osloNurse, { kind: 'sharing-read', origin: '0301', document: 'e1' })).toEqual({ refused: 'own-municipality' });
    expect(await ask(citizen, { kind: 'sharing-read', origin: '4601' })).toEqual({ role: 'sharing-read', tags: { origin: '4601' } });
    expect(await ask(citizen, { kind: 'citizen', tenant: '4601' })).toEqual({ role: 'tenant', tags: { tenant: '4601' } });
  });
});
