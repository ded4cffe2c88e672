// @ts-nocheck
import { createHash } from 'node:crypto';
import { isSharableEntryType, type EntryType, type ReceiveDocumentRequest } from '../../shared/contracts/journal';
import { documentIdOf } from '../../shared/contracts/sharing';
import { ValidationError, type FieldIssue } from '../../shared/errors';
import type { TenantRequest } from '../core/patient-access';
import { receiveDocument } from '../journal/entry-service';
import { searchPatients } from '../journal/patient-service';
import { DOCUMENT_TYPE_SYSTEM, NO_BASIS } from './no-basis';
import { nationalIdOfToken } from './patient-search';

/**
 * IHE MHD ITI-65 Provide Document Bundle: a transaction Bundle of one SubmissionSet `List`, one
 * `DocumentReference` and its `Binary`, from a hospital or GP system, recorded through the
 * journal's own use case for a received document (receiveDocument: the same decision, audit,
 * sharing index and idempotency as /v1). The whole Bundle is read and checked before anything is
 * written, and the journal writes it in one transaction: a bad part writes nothing.
 */

type Json = Record<string, unknown>;
const SUBMISSION_SET = 'submissionset';

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** What a valid ITI-65 Bundle says, ready for the journal. */
export interface ProvidedDocument {
  patient: { id: string } | { nationalIdToken: string };
  document: ReceiveDocumentRequest;
  /** The sender's stable id of this submission: the idempotency key when no header gives one. */
  submissionKey?: string;
  /** The request entries' resource types in order (the response answers each). */
  entryTypes: string[];
}

function fail(issues: FieldIssue[]): never {
  throw new ValidationError('Ugyldig ITI-65-bundle; ingenting er lagret.', issues);
}

function typeOf(doc: Json, at: string, issues: FieldIssue[]): EntryType | undefined {
  const codings = [...arr(obj(doc.type)?.coding), ...arr(doc.category).flatMap((c) => arr(obj(c)?.coding))].map(obj);
  const code = codings.find((c) => c?.system === DOCUMENT_TYPE_SYSTEM)?.code;
  if (typeof code === 'string' && isSharableEntryType(code)) return code as EntryType;
  issues.push({ field: `${at}.type`, message: `Påkrevd: en koding i ${DOCUMENT_TYPE_SYSTEM} med en delbar dokumenttype (epikrise, vaksinasjon, legemiddel, tiltaksplan)` });
  return undefined;
}

/** The sending organisation (ENH or HER-id) and the author (HPR) from DocumentReference.author. */
function senderOf(doc: Json, at: string, issues: FieldIssue[]): ReceiveDocumentRequest['receivedFrom'] | undefined {
  const authors = arr(doc.author).map(obj).filter((a): a is Json => a !== undefined);
  const idOf = (a: Json) => obj(a.identifier);
  const org = authors.find((a) => ([NO_BASIS.enh, NO_BASIS.herId] as string[]).includes(String(idOf(a)?.system)));
  const hpr = authors.find((a) => idOf(a)?.system === NO_BASIS.hpr);
  if (!org || !str(idOf(org)?.value) || !str(org.display)) {
    issues.push({ field: `${at}.author`, message: `Påkrevd: avsenderorganisasjonen med identifier (ENH ${NO_BASIS.enh} eller HER-id ${NO_BASIS.herId}) og display` });
  }
  if (!hpr || !/^\d{1,9}$/.test(String(idOf(hpr)?.value))) issues.push({ field: `${at}.author`, message: `Påkrevd: forfatteren med HPR-nummer (${NO_BASIS.hpr})` });
  if (!org || !hpr || !str(org.display)) return undefined;
  const orgId = idOf(org)!;
  const value = str(orgId.value)!;
  return {
    organisation: { name: str(org.display)!, ...(orgId.system === NO_BASIS.enh ? { enh: value } : { herId: value }) },
    author: { hpr: String(idOf(hpr)!.value), ...(str(hpr.display) ? { name: str(hpr.display) } : {}) },
    ...(str(obj(doc.masterIdentifier)?.value) ? { documentId: str(obj(doc.masterIdentifier)?.value) } : {}),
  };
}

function patientOf(doc: Json, at: string, issues: FieldIssue[]): ProvidedDocument['patient'] | undefined {
  const subject = obj(doc.subject);
  const ref = str(subject?.reference);
  const m = ref ? /^Patient\/([0-9a-f-]{36})$/.exec(ref) : null;
  if (m) return { id: m[1]! };
  const id = obj(subject?.identifier);
  if (id && (id.system === NO_BASIS.fnr || id.system === NO_BASIS.dnr) && str(id.value)) return { nationalIdToken: `${String(id.system)}|${str(id.value)!}` };
  issues.push({ field: `${at}.subject`, message: `Påkrevd: Patient/<id> eller identifier med FNR (${NO_BASIS.fnr}) / DNR (${NO_BASIS.dnr})` });
  return undefined;
}

/** Reads and checks an ITI-65 Bundle; every problem is named (400), and nothing is written. */
export function parseProvideBundle(body: unknown): ProvidedDocument {
  const bundle = obj(body);
  if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'transaction') fail([{ field: 'body.type', message: 'Forventet en Bundle av type transaction' }]);
  const entries = arr(bundle.entry).map(obj);
  const issues: FieldIssue[] = [];
  const byType = (t: string) => entries.map((e, i) => ({ e, i })).filter(({ e }) => obj(e?.resource)?.resourceType === t);
  entries.forEach((e, i) => {
    const r = obj(e?.resource);
    if (!r || !['List', 'DocumentReference', 'Binary'].includes(String(r.resourceType))) issues.push({ field: `body.entry[${i}].resource`, message: 'Bare List (SubmissionSet), DocumentReference og Binary' });
    if (obj(e?.request)?.method !== 'POST') issues.push({ field: `body.entry[${i}].request.method`, message: 'Forventet POST' });
  });
  const lists = byType('List');
  const docs = byType('DocumentReference');
  const binaries = byType('Binary');
  if (lists.length !== 1) issues.push({ field: 'body.entry', message: 'Nøyaktig én SubmissionSet (List)' });
  if (docs.length !== 1) issues.push({ field: 'body.entry', message: 'Nøyaktig én DocumentReference' });
  if (binaries.length !== 1) issues.push({ field: 'body.entry', message: 'Nøyaktig én Binary' });
  if (issues.length > 0) fail(issues);

  const list = obj(lists[0]!.e!.resource)!;
  const listAt = `body.entry[${lists[0]!.i}].resource`;
  if (!arr(obj(list.code)?.coding).some((c) => obj(c)?.code === SUBMISSION_SET)) issues.push({ field: `${listAt}.code`, message: `List.code må være ${SUBMISSION_SET}` });
  const docEntry = docs[0]!;
  const binEntry = binaries[0]!;
  const docUrl = str(docEntry.e!.fullUrl);
  if (!arr(list.entry).some((x) => docUrl !== undefined && obj(obj(x)?.item)?.reference === docUrl)) issues.push({ field: `${listAt}.entry`, message: 'SubmissionSet må vise til DocumentReference (fullUrl)' });

  const doc = obj(docEntry.e!.resource)!;
  const at = `body.entry[${docEntry.i}].resource`;
  if (doc.status !== 'current') issues.push({ field: `${at}.status`, message: 'Forventet current' });
  const type = typeOf(doc, at, issues);
  const receivedFrom = senderOf(doc, at, issues);
  const patient = patientOf(doc, at, issues);
  const attachment = obj(obj(arr(doc.content)[0])?.attachment);
  const title = str(doc.description) ?? str(attachment?.title);
  if (!title || title.length > 200) issues.push({ field: `${at}.description`, message: 'Påkrevd: tittel (description eller attachment.title), høyst 200 tegn' });
  if (!attachment || attachment.url !== str(binEntry.e!.fullUrl)) issues.push({ field: `${at}.content[0].attachment.url`, message: 'Må vise til Binary i samme bundle (fullUrl)' });
  const eventTime = str(obj(obj(doc.context)?.period)?.start) ?? str(doc.date);
  if (eventTime !== undefined && Number.isNaN(Date.parse(eventTime))) issues.push({ field: `${at}.date`, message: 'Ugyldig tidspunkt' });

  const bin = obj(binEntry.e!.resource)!;
  const binAt = `body.entry[${binEntry.i}].resource`;
  const data = str(bin.data);
  const text = data && /^[A-Za-z0-9+/]+={0,2}$/.test(data) ? Buffer.from(data, 'base64').toString('utf8') : undefined;
  if (!(str(bin.contentType) ?? '').startsWith('text/plain')) issues.push({ field: `${binAt}.contentType`, message: 'Støttet: text/plain' });
  if (text === undefined || text.length > 20_000) issues.push({ field: `${binAt}.data`, message: 'Påkrevd: base64-tekst, høyst 20 000 tegn' });
  if (issues.length > 0 || !type || !receivedFrom || !patient || !title || text === undefined) fail(issues);

  const submission = str(obj(bundle.identifier)?.value) ?? str(arr(list.identifier).map(obj).find((i) => str(i?.value))?.value) ?? receivedFrom.documentId;
  return {
    patient,
    document: { type, title, text, ...(eventTime ? { eventTime: new Date(eventTime).toISOString() } : {}), receivedFrom },
    ...(submission ? { submissionKey: `iti65:${createHash('sha256').update(submission).digest('hex').slice(0, 48)}` } : {}),
    entryTypes: entries.map((e) => String(obj(e?.resource)?.resourceType)),
  };
}

/** ITI-65: records the document and answers with the transaction-response Bundle. */
export async function provideDocumentBundle(req: TenantRequest, body: unknown, idempotencyKey: string | undefined): Promise<{ created: boolean; bundle: Json }> {
  const provided = parseProvideBundle(body);
  const key = idempotencyKey ?? provided.submissionKey;
  if (!key) fail([{ field: 'headers.idempotency-key', message: 'Påkrevd når bundlen ikke har identifier (Bundle.identifier, List.identifier eller masterIdentifier)' }]);
  let patientId: string | undefined;
  if ('id' in provided.patient) patientId = provided.patient.id;
  else {
    const { nationalId, matches } = nationalIdOfToken(provided.patient.nationalIdToken, 'body.subject.identifier');
    patientId = matches ? (await searchPatients(req, { nationalId })).patients[0]?.id : undefined;
    if (!patientId) fail([{ field: 'body.subject.identifier', message: 'Ingen pasient med denne identifikatoren i kommunen' }]);
  }
  const outcome = await receiveDocument(req, patientId, provided.document, key);
  const documentId = documentIdOf(req.tenant, outcome.value.id);
  const version = String(outcome.value.version);
  const lastModified = outcome.value.recordedAt;
  const responseOf = (type: string) => {
    if (type === 'DocumentReference') return { status: '201 Created', location: `DocumentReference/${documentId}/_history/${version}`, etag: `W/"${version}"`, lastModified };
    if (type === 'Binary') return { status: '201 Created', location: `Binary/${documentId}`, lastModified };
    return { status: '201 Created', lastModified };
  };
  return {
    created: outcome.created,
    bundle: { resourceType: 'Bundle', type: 'transaction-response', entry: provided.entryTypes.map((t) => ({ response: responseOf(t) })) },
  };
}
