import { parseDocumentId, type MyDocumentList, type RetrievedDocument, type SharedDocument, type SharedDocumentList } from '../../shared/contracts/sharing';
import type { Envelope } from '../../shared/crypto';
import type { TenantSession } from '../../shared/db/sessions';
import type { TenantDb } from '../../shared/db/tenant-db';
import type { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { isSharableEntryType, type Author } from '../../shared/contracts/journal';
import { ForbiddenError, NotFoundError, TenantSuspendedError } from '../../shared/errors';
import { groupBy } from '../../shared/group-by';
import { settle } from '../../shared/settle';
import type { AuditEventInput } from '../core/audit-event';
import { blockInForce, decideAccess, type AccessDecision, type AccessInput } from '../core/access-decision';
import { auditHeadSlot } from '../core/audit-chain';
import { recordAccess } from '../core/commit';
import { type DocumentFacts, type DocumentIndexItem, documentsOfCitizen, getDocument, openDocumentContent, openTitle, readDocument, readDocumentWith } from '../core/sharing-record';
import {
  accessCallerOf,
  accessEvent,
  citizenKeyOf,
  directoryOf,
  factsForDecision,
  loadCitizenFacts,
  loadContextAndFacts,
  nowOf,
  patientIdByNationalIdKey,
  patientNotFound,
  refusal,
  relationshipFacts,
  type CitizenFacts,
  type PatientAccessRequest,
  type PatientContext,
} from '../core/patient-access';

/**
 * Finding and retrieving shared documents. The caller names the patient by their id in the
 * caller's own municipality (where their care relationship is); the service finds the same person's
 * documents in the region-wide index by the keyed hash of the national id, decides each one with
 * the one access decision, opens titles and content only in the origin municipality's key context,
 * and records every access in the origin's log, the caller's municipality's log and (through the
 * citizen key on both) the citizen's access log, before answering.
 */

function ownSession(req: PatientAccessRequest): TenantSession {
  if (!req.tenant || !req.session) throw new ForbiddenError('Bare helsepersonell i en kommune kan bruke deling.');
  return req.session;
}

/**
 * What reads one document's index item and opens it: the caller's own session for a document of
 * their own municipality, else a narrow sharing-read session of that one document (in AWS: GetItem
 * or BatchGetItem of its index item, the origin's audit log, and Decrypt in the document's context
 * only; nothing else of the origin).
 */
async function readerOf(req: PatientAccessRequest, origin: string, entryId: string): Promise<{ db: TenantDb; keys: Envelope }> {
  if (req.session?.tenant === origin) return req.session;
  return req.sessions.sharingRead(origin, entryId);
}

/** A person as a shared document names them. */
function documentPerson(a: Author): NonNullable<SharedDocument['correctedBy']> {
  return { id: a.sub, ...(a.name ? { name: a.name } : {}), ...(a.profession ? { profession: a.profession } : {}), ...(a.hpr ? { hpr: a.hpr } : {}) };
}

/**
 * A document as the API shows it. An index item's sealed title is opened with `keys`, a reader of
 * that document (not for a withdrawn document); without keys it comes without a title.
 */
export async function toSharedDocument(item: DocumentFacts | DocumentIndexItem, dir: TenantDirectory, keys?: Envelope): Promise<SharedDocument> {
  const withdrawn = item.entryStatus === 'entered-in-error';
  const [profile, title] = await Promise.all([dir.profile(item.tenant), withdrawn || !keys || !('titleSealed' in item) ? Promise.resolve(undefined) : openTitle(item, keys)]);
  const unitName = profile?.units.find((u) => u.id === item.unit)?.name;
  return {
    id: item.documentId,
    entryId: item.entryId,
    type: item.entryType,
    ...(title !== undefined ? { title } : {}),
    status: withdrawn ? 'entered-in-error' : 'current',
    corrected: item.entryStatus === 'corrected',
    version: item.version,
    date: item.eventTime,
    recordedAt: item.recordedAt,
    author: {
      id: item.author.sub,
      ...(item.author.name ? { name: item.author.name } : {}),
      ...(item.author.profession ? { profession: item.author.profession } : {}),
      ...(item.author.hpr ? { hpr: item.author.hpr } : {}),
    },
    ...(item.correctedAt ? { correctedAt: item.correctedAt } : {}),
    ...(item.correctedBy ? { correctedBy: documentPerson(item.correctedBy) } : {}),
    organisation: { tenantId: item.tenant, name: profile ? `${profile.name} kommune` : `Kommune ${item.tenant}`, unit: { id: item.unit, ...(unitName ? { name: unitName } : {}) } },
  };
}

/** A document as the API shows it, its title opened by a reader of that document. */
async function shownDocument(req: PatientAccessRequest, doc: DocumentIndexItem, dir: TenantDirectory): Promise<SharedDocument> {
  return toSharedDocument(doc, dir, doc.entryStatus === 'entered-in-error' ? undefined : (await readerOf(req, doc.tenant, doc.entryId)).keys);
}

function documentFact(doc: DocumentIndexItem): AccessInput['document'] {
  return { id: doc.documentId, tenant: doc.tenant, type: doc.entryType };
}

/** The patient's documents in other municipalities that the caller may see, newest first. */
export async function listSharedDocuments(req: PatientAccessRequest, patientId: string): Promise<SharedDocumentList> {
  const session = ownSession(req);
  const tenant = session.tenant;
  const now = nowOf(req);
  const loaded = await loadContextAndFacts(session, patientId, 'sharing.list', now);
  if (!loaded) throw patientNotFound();
  const { context, facts } = loaded;
  const nidKey = context.patient.nidKey;
  const docsRead = settle(documentsOfCitizen(nidKey));
  const base: Omit<AccessInput, 'action' | 'tenant'> = {
    caller: await accessCallerOf(req.caller),
    patient: { id: patientId, nationalIdKey: nidKey },
    relationships: relationshipFacts(context),
    now,
    ...factsForDecision(facts),
  };
  const decision = decideAccess({ ...base, action: 'sharing.list', tenant });
  const here = { tenant, patientId, nidKey };
  if (!decision.allow) {
    await docsRead;
    await recordAccess([accessEvent(req, 'sharing.documents.list', 'denied', here, decision, {})], req);
    throw refusal(decision.rule);
  }
  const dir = directoryOf(req);
  const candidates = (await docsRead)().filter((d) => d.tenant !== tenant);
  await dir.load(candidates.map((d) => d.tenant));
  const visible: DocumentIndexItem[] = [];
  for (const doc of candidates) {
    const profile = await dir.profile(doc.tenant);
    // A suspended or departed municipality shares nothing.
    if (profile?.status !== 'active') continue;
    if (decideAccess({ ...base, action: 'sharing.retrieve', tenant: doc.tenant, document: documentFact(doc) }).allow) visible.push(doc);
  }
  const documents = await Promise.all(visible.map((d) => shownDocument(req, d, dir)));
  // One event per origin municipality whose documents were shown (in that patient's chain there),
  // and one in the caller's municipality; all stored before the answer.
  const byOrigin = groupBy(visible, (d) => d.tenant);
  const events: AuditEventInput[] = [accessEvent(req, 'sharing.documents.list', 'success', here, decision, { count: documents.length, origins: byOrigin.size })];
  for (const [origin, docs] of byOrigin) {
    events.push(accessEvent(req, 'sharing.documents.list', 'success', { tenant: origin, patientId: docs[0]?.patientId, nidKey }, decision, { count: docs.length }));
  }
  await recordAccess(events, req);
  return { patientId, documents, access: { rule: decision.rule, emergency: decision.emergency === true } };
}

/** What never changes about an indexed document: whose it is, where it lives, its type. */
interface DocumentIdentity {
  nidKey: string;
  patientId: string;
  entryType: string;
}

const CACHE_LIMIT = 10_000;
/** Per container: documents' identities, and each municipality's patient id for a citizen (hits only; neither ever changes). */
const identities = new Map<string, DocumentIdentity>();
const patientIds = new Map<string, string>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

async function identityOf(origin: string, entryId: string, documentId: string): Promise<DocumentIdentity | undefined> {
  const known = identities.get(documentId);
  if (known) return known;
  // The index's region-wide facts (whose document, which citizen) under the platform's own client:
  // the sealed title and content in it open only with that document's key context.
  const doc = await getDocument(origin, entryId);
  if (!doc) return undefined;
  const identity = { nidKey: doc.nidKey, patientId: doc.patientId, entryType: doc.entryType };
  remember(identities, documentId, identity);
  return identity;
}

/**
 * The caller's own record of the citizen and the citizen's facts for a retrieval: in one
 * BatchGetItem by key (./patient-access.ts) with the head of the caller's own log, once the
 * citizen's patient id here is known (remembered: it never changes); the citizen's facts alone
 * when the citizen has no record in the caller's municipality.
 */
async function callerContextAndFacts(req: PatientAccessRequest, session: TenantSession, nidKey: string, now: Date): Promise<{ context?: PatientContext; facts: CitizenFacts }> {
  const key = `${session.tenant}/${nidKey}`;
  let patientId = patientIds.get(key);
  if (!patientId) {
    const [found, facts] = await Promise.all([patientIdByNationalIdKey(session, nidKey), loadCitizenFacts(nidKey, now)]);
    if (!found) return { facts };
    remember(patientIds, key, found);
    patientId = found;
  }
  const loaded = await loadContextAndFacts(session, patientId, 'sharing.retrieve', now, { nidKey, auditHead: { requestId: req.requestId } });
  if (!loaded || loaded.context.patient.nidKey !== nidKey) return { facts: await loadCitizenFacts(nidKey, now) };
  return loaded;
}


/**
 * A document of another municipality through its sharing-read session, with the head of the
 * origin's log that the retrieval's append there will use, in one BatchGetItem (the role allows the
 * batch for the document's key alone in the sharing table). The head is only a hint to the append:
 * if the batch fails, the document is read alone and the append reads the head itself, so a failing
 * audit log fails the request at the append, where it is counted and alarmed on.
 */
async function documentWithOriginHead(reader: { db: TenantDb }, origin: string, entryId: string, patientId: string, requestId: string): Promise<DocumentIndexItem | undefined> {
  const head = auditHeadSlot(origin, patientId, requestId);
  let read: Awaited<ReturnType<typeof readDocumentWith>>;
  try {
    read = await readDocumentWith(reader.db, origin, entryId, { table: 'audit', ...head.key });
  } catch {
    return readDocument(reader.db, origin, entryId);
  }
  head.offer(Promise.resolve(read.along));
  return read.doc;
}

/** The answer for a document id that names no shared document (and for one hidden from the caller). */
function documentNotFound(): NotFoundError {
  return new NotFoundError('Dokumentet finnes ikke.');
}

/**
 * Retrieves one document. The index names the origin's patient and the citizen (remembered, as
 * they never change); the caller's own patient record, the citizen's blocks and consents, the
 * document's index item with the origin log's audit head (one batch through a sharing-read
 * session of that one document) and the origin's registry entry are read in parallel; the content
 * is opened in the document's key context only after the decision allowed it. The index item is
 * written in the journal's own transaction, so its status and version are the entry head's.
 */
export async function retrieveDocument(req: PatientAccessRequest, documentId: string): Promise<RetrievedDocument> {
  const session = ownSession(req);
  const tenant = session.tenant;
  const now = nowOf(req);
  const { tenant: origin, entryId } = parseDocumentId(documentId);
  const identity = await identityOf(origin, entryId, documentId);
  if (!identity) throw documentNotFound();
  const { nidKey } = identity;
  const dir = directoryOf(req);
  // All five reads are settled at once: whichever fails, none is left without a handler.
  const [contextRead, headRead, callerRead, profileRead] = [
    settle(callerContextAndFacts(req, session, nidKey, now)),
    settle(
      readerOf(req, origin, entryId).then(async (reader) => ({
        reader,
        // Across municipalities the head of the origin's log the append there will use comes in the
        // document's own batch, not after the decision (at home the decision's batch read the head).
        doc: origin === tenant ? await readDocument(reader.db, origin, entryId) : await documentWithOriginHead(reader, origin, entryId, identity.patientId, req.requestId),
      })),
    ),
    settle(accessCallerOf(req.caller)),
    settle(dir.profile(origin)),
  ];
  const { context, facts } = (await contextRead)();
  const decision: AccessDecision = decideAccess({
    caller: (await callerRead)(),
    tenant: origin,
    action: 'sharing.retrieve',
    patient: { id: context?.patient.patientId ?? identity.patientId, nationalIdKey: nidKey },
    relationships: relationshipFacts(context),
    now,
    ...factsForDecision(facts),
    document: { id: documentId, tenant: origin, type: identity.entryType },
  });
  const atOrigin = { tenant: origin, patientId: identity.patientId, nidKey, recordId: entryId };
  const here = { tenant, patientId: context?.patient.patientId, nidKey, recordId: documentId };
  const events = (outcome: 'success' | 'denied', details: Record<string, string | number | boolean> = {}) =>
    origin === tenant
      ? [accessEvent(req, 'sharing.document.retrieve', outcome, here, decision, details)]
      : [accessEvent(req, 'sharing.document.retrieve', outcome, atOrigin, decision, details), accessEvent(req, 'sharing.document.retrieve', outcome, here, decision, { ...details, originTenant: origin })];
  if (!decision.allow) {
    await recordAccess(events('denied'), req);
    // To a person or unit the citizen has blocked, the document is as one that does not exist.
    throw refusal(decision.rule, documentNotFound);
  }
  const profile = (await profileRead)();
  if (profile?.status !== 'active') throw new TenantSuspendedError(origin, String(profile?.status ?? 'unknown'));
  const { reader, doc } = (await headRead)();
  if (!doc || !isSharableEntryType(doc.entryType) || doc.entryStatus === 'draft') throw documentNotFound();
  if (doc.entryStatus === 'entered-in-error') throw new NotFoundError('Dokumentet er trukket tilbake av kommunen som skrev det (feilført).');
  const [entry, meta] = await Promise.all([openDocumentContent(doc, reader.keys), toSharedDocument(doc, dir)]);
  await recordAccess(events('success', { version: doc.version }), req);
  return {
    ...meta,
    title: entry.title,
    text: entry.text,
    ...(entry.data ? { data: entry.data } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
    access: { rule: decision.rule, emergency: decision.emergency === true },
  };
}

/** The citizen's own documents in every municipality, with the blocks covering each (audited in each origin). */
export async function listMyDocuments(req: PatientAccessRequest): Promise<MyDocumentList> {
  const nidKey = await citizenKeyOf(req.caller);
  const now = nowOf(req);
  const [docs, facts, caller] = await Promise.all([documentsOfCitizen(nidKey), loadCitizenFacts(nidKey, now), accessCallerOf(req.caller)]);
  const dir = directoryOf(req);
  const blocks = facts.blocks.filter((b) => blockInForce(b, now));
  await dir.load(docs.map((d) => d.tenant));
  const shown: { doc: DocumentIndexItem; decision: AccessDecision }[] = [];
  for (const doc of docs) {
    // A suspended or departed municipality serves nobody (its key may be scheduled for deletion).
    if ((await dir.profile(doc.tenant))?.status !== 'active') continue;
    const decision = decideAccess({ caller, tenant: doc.tenant, action: 'sharing.retrieve', patient: { id: doc.patientId, nationalIdKey: nidKey }, relationships: [], now, document: documentFact(doc) });
    if (decision.allow) shown.push({ doc, decision });
  }
  const documents = await Promise.all(
    shown.map(async ({ doc }) => ({
      ...(await shownDocument(req, doc, dir)),
      blockedBy: blocks
        .filter((b) => b.target.kind === 'all-sharing' || (b.target.kind === 'document' && b.target.documentId === doc.documentId) || (b.target.kind === 'category' && b.target.category === doc.entryType))
        .map((b) => b.blockId),
    })),
  );
  const byOrigin = groupBy(shown, (s) => s.doc.tenant);
  await recordAccess(
    [...byOrigin].map(([origin, items]) =>
      accessEvent(req, 'sharing.documents.list', 'success', { tenant: origin, patientId: items[0]?.doc.patientId, nidKey }, items[0]!.decision, { count: items.length, view: 'citizen' }),
    ),
    req,
  );
  return { documents };
}
