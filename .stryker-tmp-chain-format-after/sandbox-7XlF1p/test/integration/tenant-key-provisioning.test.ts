// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { config } from '../../shared/config';
import { tenantKeyAdmin, LocalTenantKeyAdmin } from '../../shared/crypto/key-admin';
import { DecryptionFailedError, Envelope } from '../../shared/crypto';
import { LocalKeystore } from '../../shared/crypto/local-keystore';
import { useTestStack } from '../support/local-stack';
import { readJson } from '../support/requests';

const stack = useTestStack();

// Locally, tenant keys are files of the keystore under .data/keys. The keystore has no key policy:
// whoever can read that folder can open every record of the machine. What the AWS key policy
// guarantees (shared/crypto/key-policy.ts: no person decrypts, only offboarding deletes) does not
// hold here, and nothing pretends it does. What holds on both: the context binds a record to its tenant.
describe('provisioning a municipality on one machine, with the local keystore', () => {
  it('creates the key without any key policy roles, and the key opens only its own tenant\'s records', async () => {
    const res = await stack.call('/ops/v1/tenants', {
      method: 'POST',
      as: 'drift',
      json: { id: '1103', name: 'Stavanger', region: 'eu-north-1', admin: { id: 'stavanger.admin', name: 'Stine Admin' } },
    });
    expect(res.status).toBe(201);
    const body = await readJson<{ outcome: string; tenant: { keyRef: string; status: string } }>(res);
    expect(body).toMatchObject({ outcome: 'created', tenant: { keyRef: 'local:1103', status: 'active' } });

    // The local runtime's key admin is the keystore's, configured with no roles at all.
    expect(config().keys.provider).toBe('local');
    expect(config().keys.policyRoles).toBeUndefined();
    expect(tenantKeyAdmin()).toBeInstanceOf(LocalTenantKeyAdmin);

    const envelope = new Envelope(new LocalKeystore(stack.keystoreDir));
    const context = { tenant: '1103', patient: 'p-1', record: 'r-1', kind: 'journal-entry' };
    const sealed = await envelope.encrypt(context, 'synthetic note');
    expect((await envelope.decrypt(context, sealed)).toString()).toBe('synthetic note');
    await expect(envelope.decrypt({ ...context, tenant: '0301' }, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
  });
});
