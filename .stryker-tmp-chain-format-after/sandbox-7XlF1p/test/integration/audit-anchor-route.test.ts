// @ts-nocheck
import { tenantDb } from '../support/tables';
import { verify as verifySignature } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../functions/core/audit-chain';
import { anchorPublicKey, anchorStore } from '../../functions/core/anchor-deps';
import { latestTreeHead } from '../../functions/core/anchor-log';
import { anchorKeys, NO_PREVIOUS, signedBytes, treeHeadHash } from '../../functions/core/tree-head';
import type { AnchorNowResult } from '../../shared/contracts/audit';
import { useTestStack } from '../support/local-stack';
import { expectJson, readJson } from '../support/requests';

/**
 * POST /v1/audit/anchor: the tenant's auditor anchors their own municipality now, through the same
 * anchoring as the beat (functions/anchor/anchor-service.ts), and gets the new signed tree head.
 */

const stack = useTestStack();

const event = (patientId: string, n: number) => ({
  tenant: '0301',
  action: 'entry.read' as const,
  outcome: 'success' as const,
  actor: { sub: 'oslo.lege', roles: ['clinician' as const], tenant: '0301', hpr: '9100002' },
  requestId: `req-anchor-route-${patientId}-${n}`,
  patientId,
  recordId: `rec-${n}`,
  purposeOfUse: 'TREAT' as const,
  reasonCode: 'care-relationship' as const,
});

const anchorNow = (as: string) => stack.call('/v1/audit/anchor', { as, method: 'POST' });

describe('POST /v1/audit/anchor', () => {
  it("an auditor anchors their own municipality: a fresh signed tree head exists, over the streams' current heads", async () => {
    await appendAudit(tenantDb('0301'), Array.from({ length: 3 }, (_, i) => event('anchor-route-a', i + 1)));
    const before = await latestTreeHead(anchorStore(), '0301');
    const head = await expectJson<AnchorNowResult>(await anchorNow('oslo.revisor'));
    expect(head).toMatchObject({ tenant: '0301', index: (before?.treeHead.index ?? 0) + 1 });
    expect(head.treeSize).toBeGreaterThan(0);
    expect(head.root).toMatch(/^[0-9a-f]{64}$/);

    const stored = (await latestTreeHead(anchorStore(), '0301'))!;
    expect(stored.treeHead).toMatchObject({ tenant: '0301', index: head.index, treeSize: head.treeSize, root: head.root, time: head.time });
    if (!before) expect(stored.treeHead.prevHash).toBe(NO_PREVIOUS);
    expect(verifySignature('sha256', signedBytes(stored.treeHead), await anchorPublicKey(), Buffer.from(stored.signature, 'base64'))).toBe(true);

    // Only the caller's municipality is anchored.
    expect(await latestTreeHead(anchorStore(), '4601')).toBeUndefined();

    // Verify checks the municipality against the tree head just written.
    const verified = await expectJson<{ ok: boolean; anchor: { status: string; latest?: { index: number } } }>(
      await stack.call('/v1/audit/verify', { as: 'oslo.revisor', method: 'POST', json: { patientId: 'anchor-route-a' } }),
    );
    expect(verified.ok).toBe(true);
    expect(verified.anchor).toMatchObject({ status: 'verified', latest: { index: head.index } });
  });

  it('a second call in the same beat is harmless: the next tree head, chained to the one before, over the same root', async () => {
    const first = await expectJson<AnchorNowResult>(await anchorNow('oslo.revisor'));
    const firstStored = (await latestTreeHead(anchorStore(), '0301'))!;
    const second = await expectJson<AnchorNowResult>(await anchorNow('oslo.revisor'));
    expect(second).toMatchObject({ tenant: '0301', index: first.index + 1, treeSize: first.treeSize, root: first.root, changed: 0 });
    expect(Date.parse(second.time)).toBeGreaterThan(Date.parse(first.time));
    const secondStored = (await latestTreeHead(anchorStore(), '0301'))!;
    expect(secondStored.treeHead.prevHash).toBe(treeHeadHash(firstStored.treeHead));
    // Both stay: the first tree head is still in the store as it was written.
    expect(JSON.parse((await anchorStore().get(anchorKeys.treeHead(firstStored.treeHead)))!)).toEqual(firstStored);

    // Events after it move their leaf on the next call.
    await appendAudit(tenantDb('0301'), [event('anchor-route-a', 4)]);
    const third = await expectJson<AnchorNowResult>(await anchorNow('oslo.revisor'));
    expect(third).toMatchObject({ index: second.index + 1, changed: 1 });
    expect(third.root).not.toBe(second.root);

    const verified = await expectJson<{ ok: boolean; anchor: { status: string; treeHeadsChecked: number } }>(
      await stack.call('/v1/audit/verify', { as: 'oslo.revisor', method: 'POST', json: {} }),
    );
    expect(verified.ok).toBe(true);
    expect(verified.anchor.status).toBe('verified');
  });

  it('a clinician gets 403 and no tree head is written; no token gets 401', async () => {
    const before = (await latestTreeHead(anchorStore(), '0301'))?.treeHead.index;
    const res = await anchorNow('oslo.lege');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await latestTreeHead(anchorStore(), '0301'))?.treeHead.index).toBe(before);
    const anonymous = await stack.call('/v1/audit/anchor', { method: 'POST' });
    expect(anonymous.status).toBe(401);
    await readJson(anonymous);
  });
});
