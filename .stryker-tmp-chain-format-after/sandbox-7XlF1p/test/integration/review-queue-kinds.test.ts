// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { AuditEventView, ReviewQueueItemView } from '../../shared/contracts/audit';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship } from '../support/patients';
import { expectJson } from '../support/requests';

const stack = useTestStack();

let n = 300;
const freshNid = () => syntheticNationalId({ day: 14, month: 8, year: 1950 + (n % 40) }, ++n * 7);
type Queue = { items: ReviewQueueItemView[]; nextCursor?: string };
const queue = async (query: string, as = 'oslo.revisor') => expectJson<Queue>(await stack.call(`/v1/audit/review-queue?limit=100${query}`, { as }));

describe('the review queue: refusals, emergency access and self-authorised relationships, by kind', () => {
  it('puts a refused read in the data owner’s queue as kind refused, with the patient named for the auditor', async () => {
    const nid = freshNid();
    const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Randi Avvistsen', birthDate: '1970-01-01', gender: 'unknown' });
    // No care relationship: the read is refused, and the refusal is flagged for review.
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(403);

    const all = await queue('');
    const refused = all.items.filter((i) => i.patientId === p.id);
    expect(refused).toMatchObject([{ flagReason: 'refused', status: 'open', event: { outcome: 'denied', flagged: true, flagReason: 'refused', actor: { sub: 'oslo.sykepleier' } } }]);
    // The auditor sees who the patient is (name and national id), not only the record id.
    expect(refused[0]?.patient).toEqual({ id: p.id, name: 'Randi Avvistsen', nationalId: nid });
    expect(refused[0]?.event?.patient).toEqual({ id: p.id, name: 'Randi Avvistsen', nationalId: nid });

    // Another municipality's auditor has no such item.
    expect((await queue('', 'bergen.revisor')).items.some((i) => i.patientId === p.id)).toBe(false);
  });

  it('filters by kind: refused, self-authorised, emergency-access, all; an unknown kind is 400', async () => {
    const p = await createPatient(stack, 'oslo.admin', { nationalId: freshNid(), name: 'Kari Køsen', birthDate: '1980-02-02', gender: 'unknown' });
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.lege' })).status).toBe(403);
    await createRelationship(stack, 'oslo.lege', p.id, { reason: 'Oppfølging' });

    const mine = (q: Queue) => q.items.filter((i) => i.patientId === p.id).map((i) => i.flagReason);
    expect(mine(await queue('&kind=all')).sort()).toEqual(['refused', 'self-authorised']);
    expect(mine(await queue(''))).toHaveLength(2);
    const refused = await queue('&kind=refused');
    expect(mine(refused)).toEqual(['refused']);
    expect(refused.items.every((i) => i.flagReason === 'refused')).toBe(true);
    const self = await queue('&kind=self-authorised');
    expect(mine(self)).toEqual(['self-authorised']);
    expect(self.items.every((i) => i.flagReason === 'self-authorised')).toBe(true);
    expect((await queue('&kind=emergency-access')).items.every((i) => i.flagReason === 'emergency-access')).toBe(true);
    expect((await stack.call('/v1/audit/review-queue?kind=sneaky', { as: 'oslo.revisor' })).status).toBe(400);
  });

  it('names the patient in the patient’s events for the auditor', async () => {
    const nid = freshNid();
    const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Per Loggmann', birthDate: '1975-03-03', gender: 'unknown' });
    const events = await expectJson<{ items: AuditEventView[] }>(await stack.call(`/v1/audit/patients/${p.id}/events`, { as: 'oslo.revisor' }));
    expect(events.items.length).toBeGreaterThan(0);
    expect(events.items.every((e) => e.patient?.name === 'Per Loggmann' && e.patient.nationalId === nid)).toBe(true);
  });
});
