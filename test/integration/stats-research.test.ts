import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { ResearchExtract, ResearchProject } from '../../shared/contracts/stats';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { auditEvents } from '../support/tables';

/** Research extracts: approved per project, pseudonymous per project, approved variables only, audited, blocks honoured. */
const stack = useTestStack();
const month = new Date().toISOString().slice(0, 7);

const project = (variables: string[]) => ({ rek: 'REK 2026/12345', purpose: 'Kvalitet i hjemmetjenesten over tid (syntetisk test)', from: month, to: month, variables });

async function approve(body: Record<string, unknown>, as = 'oslo.admin'): Promise<Response> {
  return stack.post('/v1/research/projects', as, body);
}

/** Walks an extract from its first page to its last; the pages' rows together, and how many pages. */
async function walk(projectId: string, limit?: number, as = 'oslo.admin'): Promise<{ rows: ResearchExtract['rows']; excludedByBlock: number; pages: number }> {
  const out = { rows: [] as ResearchExtract['rows'], excludedByBlock: 0, pages: 0 };
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) });
    const res = await stack.call(`/v1/research/projects/${projectId}/extract?${query}`, { as });
    expect(res.status).toBe(200);
    const page = (await res.json()) as ResearchExtract;
    out.rows.push(...page.rows);
    out.excludedByBlock += page.excludedByBlock;
    out.pages += 1;
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function extract(projectId: string, as = 'oslo.admin'): Promise<{ rows: ResearchExtract['rows']; excludedByBlock: number }> {
  return walk(projectId, undefined, as);
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
    const mine = (x: { rows: ResearchExtract['rows'] }) => x.rows.filter((r) => r.birthYear === 1944 || r.birthYear === 1955);
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

  it('delivers a large extract in pages with an opaque cursor: every row once whatever the page size, each page audited, each citizen disclosed once per walk', async () => {
    const people = Array.from({ length: 7 }, (_, i) => ({ nid: syntheticNationalId({ day: 10 + i, month: 6, year: 1933 }, 700 + i * 3), name: `Side Testesen ${i}` }));
    for (const p of people) {
      const patient = await createPatient(stack, 'oslo.sykepleier', { nationalId: p.nid, name: p.name, birthDate: '1933-06-10', gender: 'male' });
      await createRelationship(stack, 'oslo.sykepleier', patient.id);
      await createSignedEntry(stack, 'oslo.sykepleier', patient.id, { type: 'journalnotat', title: 'Besøk', text: 'Synthetic' });
    }
    const p = (await (await approve(project(['birthYear', 'entryType', 'month']))).json()) as ResearchProject;
    const small = await walk(p.id, 3);
    const large = await walk(p.id, 20);
    // Nothing lost, nothing repeated: the same rows whatever the page size, and more than one page of three.
    const sorted = (rows: ResearchExtract['rows']) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sorted(small.rows)).toEqual(sorted(large.rows));
    expect(small.pages).toBeGreaterThan(2);
    const ours = small.rows.filter((r) => r.birthYear === 1933);
    expect(ours).toHaveLength(7);
    expect(new Set(ours.map((r) => r.pseudonym)).size).toBe(7);

    // The municipality's log: one record of each page of both walks.
    const pagesLogged = (await auditEvents<{ action: string; details?: { project?: string } }>('0301')).filter((e) => e.action === 'research.extract' && e.details?.project === p.id);
    expect(pagesLogged).toHaveLength(small.pages + large.pages);
    // Each included citizen's log: one disclosure per walk, not one per page.
    for (const person of people.slice(0, 2)) {
      const citizen = await createCitizen(person.nid, person.name);
      const log = (await (await stack.call('/v1/audit/access-log?who=all', { as: citizen })).json()) as { items: { action: string }[] };
      expect(log.items.filter((e) => e.action === 'research.disclosure')).toHaveLength(2);
    }

    // The cursor is opaque and bound to its project: altered, or used for another project, it is a 400.
    const first = (await (await stack.call(`/v1/research/projects/${p.id}/extract?limit=3`, { as: 'oslo.admin' })).json()) as ResearchExtract;
    expect(first.nextCursor).toBeDefined();
    const other = (await (await approve(project(['month']))).json()) as ResearchProject;
    for (const [id, cursor] of [[other.id, first.nextCursor!], [p.id, `${first.nextCursor!.slice(0, -4)}AAAA`]] as const) {
      const res = await stack.call(`/v1/research/projects/${id}/extract?cursor=${cursor}`, { as: 'oslo.admin' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('query.cursor');
    }
    expect((await stack.call(`/v1/research/projects/${p.id}/extract?limit=21`, { as: 'oslo.admin' })).status).toBe(400);
  });
});
