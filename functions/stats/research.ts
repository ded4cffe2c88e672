import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Caller } from '../../shared/auth/caller';
import { monthsBetween, type ResearchExtract, type ResearchProject, type ResearchProjectBody } from '../../shared/contracts/stats';
import { tenantKey } from '../../shared/db/keys';
import type { TenantSession } from '../../shared/db/sessions';
import { NotFoundError } from '../../shared/errors';
import { blockInForce } from '../core/access-decision';
import { appendAudit, commitWithAudit } from '../core/audit-chain';
import { actorOf, type AuditEventInput } from '../core/audit-event';
import { journalKeys, openPatient, type EntryItem, type PatientItem } from '../core/journal-record';
import { loadCitizenFacts } from '../core/patient-access';

/**
 * Research extracts on approval. A tenant admin approves a project (its REK reference, purpose,
 * period and variables); each extract then holds, per journal entry of the period, only the
 * approved variables and a pseudonym of the patient that is keyed per project: an HMAC under a
 * random key of the project's own, sealed under the municipality's key. The same person gets the
 * same pseudonym within a project and unrelated ones across projects, and nobody can link them
 * back without the municipality opening the project's key. Citizens who have blocked research use
 * are left out; every extract is audited, in the municipality's log and, as a disclosure for
 * research, in each included citizen's own access log.
 */

export interface ResearchRequest {
  caller: Caller;
  tenant: string;
  session: TenantSession;
  requestId: string;
}

type ProjectItem = ResearchProject & { pk: string; sk: string; keySealed: Uint8Array };

const projectKey = (tenant: string, projectId: string) => ({ pk: tenantKey(tenant, 'STATS', 'RESEARCH'), sk: projectId });
const keyContext = (tenant: string, projectId: string) => ({ tenant, record: projectId, kind: 'research-project-key' });

function view(item: ProjectItem): ResearchProject {
  const { id, rek, purpose, from, to, variables, approvedAt, approvedBy } = item;
  return { id, rek, purpose, from, to, variables, approvedAt, approvedBy };
}

function event(req: ResearchRequest, action: string, details: Record<string, string | number | boolean>, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return { tenant: req.tenant, action, outcome: 'success', actor: actorOf(req.caller), requestId: req.requestId, purposeOfUse: 'HRESCH', details, ...extra };
}

/** Approves a research project: its key is made here, sealed under the municipality's key, and never leaves. */
export async function approveProject(req: ResearchRequest, body: ResearchProjectBody, now = new Date()): Promise<ResearchProject> {
  const id = randomUUID();
  const keySealed = await req.session.keys.encrypt(keyContext(req.tenant, id), randomBytes(32));
  const item: ProjectItem = { ...projectKey(req.tenant, id), id, rek: body.rek, purpose: body.purpose, from: body.from, to: body.to, variables: [...new Set(body.variables)], approvedAt: now.toISOString(), approvedBy: req.caller.sub, keySealed };
  await commitWithAudit(req.session.db, () => [{ kind: 'put', table: 'journal', item, condition: { expression: 'attribute_not_exists(pk)' } }], [
    event(req, 'research.project.approve', { project: id, rek: body.rek, variables: item.variables.join(',') }),
  ]);
  return view(item);
}

async function projectOf(req: ResearchRequest, projectId: string): Promise<ProjectItem> {
  const key = projectKey(req.tenant, projectId);
  const item = await req.session.db.get<ProjectItem>('journal', key.pk, key.sk);
  if (!item) throw new NotFoundError('Intet slikt forskningsprosjekt i kommunen.');
  return item;
}

async function entriesOf(session: TenantSession, patientId: string): Promise<EntryItem[]> {
  const out: EntryItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await session.db.query<EntryItem>({ table: 'journal', partition: journalKeys.patientPk(session.tenant, patientId), sortBeginsWith: 'ENTRY#', cursor, limit: 500 });
    // Entry heads only (their versions share the prefix).
    out.push(...page.items.filter((i) => i.itemType === 'entry'));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Which page of the extract: up to `limit` patients of the municipality's listing, from `cursor` (a position, opened by the handler). */
export interface ExtractPage {
  limit: number;
  cursor?: string;
}

/**
 * One page of the project's extract: the next `limit` patients of the municipality's listing, and
 * one row per entry of theirs recorded in the project's period, with the approved variables only.
 * The pages of a walk partition the listing, so every patient is on exactly one page: nothing is
 * lost or repeated, and each included citizen's disclosure is logged once, with the page's own
 * record of the extract, in one transaction before the page is answered.
 */
export async function extractFor(req: ResearchRequest, projectId: string, page: ExtractPage, now = new Date()): Promise<ResearchExtract> {
  const project = await projectOf(req, projectId);
  const key = await req.session.keys.decrypt(keyContext(req.tenant, project.id), project.keySealed);
  const pseudonym = (patientId: string) => createHmac('sha256', key).update(patientId).digest('base64url').slice(0, 22);
  const months = new Set(monthsBetween(project.from, project.to));
  const wants = new Set(project.variables);
  const listing = await req.session.db.query<PatientItem>({ table: 'journal', index: 'gsi2', partition: journalKeys.patientsListingPk(req.session.tenant), cursor: page.cursor, limit: page.limit });
  // The page's patients side by side: their entries, their blocks, and (if asked for) their sealed details.
  const perPatient = await Promise.all(
    listing.items.map(async (patient) => {
      const entries = (await entriesOf(req.session, patient.patientId)).filter((e) => months.has(e.createdAt.slice(0, 7)) && e.status !== 'draft');
      if (entries.length === 0) return { patient, entries, blocked: false };
      const facts = await loadCitizenFacts(patient.nidKey, now);
      if (facts.blocks.some((b) => b.target.kind === 'research' && blockInForce(b, now))) return { patient, entries, blocked: true };
      const sealed = wants.has('birthYear') || wants.has('gender') ? await openPatient(req.session, patient.patientId, patient.sealed) : undefined;
      return { patient, entries, blocked: false, sealed };
    }),
  );
  const rows: Record<string, string | number>[] = [];
  const disclosed: PatientItem[] = [];
  let excludedByBlock = 0;
  for (const { patient, entries, blocked, sealed } of perPatient) {
    if (entries.length === 0) continue;
    if (blocked) {
      excludedByBlock += 1;
      continue;
    }
    const id = pseudonym(patient.patientId);
    for (const e of entries) {
      const row: Record<string, string | number> = { pseudonym: id };
      if (wants.has('birthYear') && sealed) row.birthYear = Number(sealed.birthDate.slice(0, 4));
      if (wants.has('gender') && sealed) row.gender = sealed.gender;
      if (wants.has('entryType')) row.entryType = e.entryType;
      if (wants.has('unit')) row.unit = e.unit;
      if (wants.has('month')) row.month = e.createdAt.slice(0, 7);
      rows.push(row);
    }
    disclosed.push(patient);
  }
  // The municipality's record of this page, and each included citizen's: a disclosure for research.
  await appendAudit(req.session.db, [
    event(req, 'research.extract', { project: project.id, rek: project.rek, rows: rows.length, patients: disclosed.length, excludedByBlock, firstPage: page.cursor === undefined, lastPage: listing.nextCursor === undefined }),
    ...disclosed.map((p) =>
      event(req, 'research.disclosure', { project: project.id, rek: project.rek }, { patientId: p.patientId, citizenKey: p.nidKey, recordId: project.id, reasonCode: 'research-disclosure' }),
    ),
  ]);
  return { project: project.id, rows, excludedByBlock, ...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {}) };
}
