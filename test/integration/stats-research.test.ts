import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { ResearchExtract, ResearchProject } from '../../shared/contracts/stats';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';

/** Research extracts: approved per project, pseudonymous per project, approved variables only, audited, blocks honoured. */
const stack = useTestStack();
const month = new Date().toISOString().slice(0, 7);

const project = (variables: string[]) => ({ rek: 'REK 2026/12345', purpose: 'Kvalitet i hjemmetjenesten over tid (syntetisk test)', from: month, to: month, variables });

async function approve(body: Record<string, unknown>, as = 'oslo.admin'): Promise<Response> {
  return stack.post('/v1/research/projects', as, body);
}

async function extract(projectId: string, as = 'oslo.admin'): Promise<ResearchExtract> {
  const res = await stack.call(`/v1/research/projects/${projectId}/extract`, { as });
  expect(res.status).toBe(200);
  return (await res.json()) as ResearchExtract;
}

describe('research extracts', () => {
  it('holds per-project pseudonyms and the approved variables only, never a name or national id; honours a research block; audits each disclosure in the citizen\'s log', async () => {
    const people = [
      { nid: syntheticNationalId({ day: 4, month: 2, year: 1944 }, 611), name: 'Forsker Testesen' },
      { nid: syntheticNationalId({ day: 5, month: 3, year: 1955 }, 622), name: 'Sperret Testesen' },
    ];
    const ids: string[] = [];
    for (const p of people) {
      const patient = await createPatient(stack, 'oslo.sykepleier', { nationalId: p.nid, name: p.name, birthDate: p.nid.startsWith('04') ? '1944-02-04' : '1955-03-05', gender: 'female' });
      ids.push(patient.id);
      await createRelationship(stack, 'oslo.sykepleier', patient.id);
      await createSignedEntry(stack, 'oslo.sykepleier', patient.id, { type: 'journalnotat', title: 'Besøk', text: 'Synthetic' });
      await createSignedEntry(stack, 'oslo.sykepleier', patient.id, { type: 'journalnotat', title: 'Besøk 2', text: 'Synthetic' });
    }
    // The second citizen blocks research use of their record.
    const blocker = await createCitizen(people[1]!.nid, people[1]!.name);
    expect((await stack.post('/v1/sharing/me/blocks', blocker, { kind: 'research' })).status).toBe(201);

    const a = (await (await approve(project(['birthYear', 'entryType', 'month']))).json()) as ResearchProject;
    const b = (await (await approve(project(['entryType']))).json()) as ResearchProject;
    expect(a).toMatchObject({ rek: 'REK 2026/12345', variables: ['birthYear', 'entryType', 'month'], approvedBy: 'oslo.admin' });

    const first = await extract(a.id);
    const again = await extract(a.id);
    const other = await extract(b.id);
    const mine = (x: ResearchExtract) => x.rows.filter((r) => r.birthYear === 1944 || r.birthYear === 1955);
    // Only the first person's two entries; the blocker is left out.
    expect(mine(first)).toHaveLength(2);
    expect(mine(first).every((r) => r.birthYear === 1944)).toBe(true);
    expect(first.excludedByBlock).toBeGreaterThanOrEqual(1);
    for (const row of first.rows) expect(Object.keys(row).sort()).toEqual(['birthYear', 'entryType', 'month', 'pseudonym']);
    for (const row of other.rows) expect(Object.keys(row).sort()).toEqual(['entryType', 'pseudonym']);
    const text = JSON.stringify([first, other]);
    for (const p of people) {
      expect(text).not.toContain(p.nid);
      expect(text).not.toContain(p.name);
    }
    for (const id of ids) expect(text).not.toContain(id);
    // The same person: one pseudonym within a project, stable across extracts, another in the next project.
    const pa = new Set(mine(first).map((r) => r.pseudonym));
    expect(pa.size).toBe(1);
    expect(new Set(mine(again).map((r) => r.pseudonym))).toEqual(pa);
    const pb = new Set(other.rows.map((r) => r.pseudonym));
    for (const p of pa) expect(pb.has(p)).toBe(false);

    // The included citizen sees the disclosure for research in their own access log; the blocker does not.
    const included = await createCitizen(people[0]!.nid, people[0]!.name);
    const log = (await (await stack.call('/v1/audit/access-log?who=all', { as: included })).json()) as { items: { action: string }[] };
    expect(log.items.some((e) => e.action === 'research.disclosure')).toBe(true);
    const blockerLog = (await (await stack.call('/v1/audit/access-log?who=all', { as: blocker })).json()) as { items: { action: string }[] };
    expect(blockerLog.items.some((e) => e.action === 'research.disclosure')).toBe(false);
  });

  it('is for the tenant admin only; a project needs a REK reference and known variables (400, nothing stored); another municipality\'s project is not found', async () => {
    for (const as of ['oslo.sykepleier', 'oslo.leder', 'oslo.revisor']) expect((await approve(project(['month']), as)).status, as).toBe(403);
    const bad = await approve({ ...project(['month', 'name']), rek: 'ukjent' });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.rek']));
    const ok = (await (await approve(project(['month']))).json()) as ResearchProject;
    expect((await stack.call(`/v1/research/projects/${ok.id}/extract`, { as: 'bergen.admin' })).status).toBe(404);
  });
});
