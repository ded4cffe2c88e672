import { createHash, randomUUID } from 'node:crypto';
import type { WriteOutcome } from '../core/commit';
import type { TenantRequest } from '../core/patient-access';
import { ValidationError } from '../../shared/errors';
import { expectVersion } from '../../shared/http/etag';
import { createEntry, editDraft, readEntry, signEntry } from '../journal/entry-service';
import type { Entry } from '../../shared/contracts/journal';
import type { FhirResource } from './document-map';
import { parseNoteId, parseNoteWrite, toNoteReference } from './note-map';
import { splitToken } from './search-params';

/**
 * Journal notes over FHIR: read, create as a draft, edit the draft and sign it, each through the
 * journal's own use case (readEntry, createEntry, editDraft, signEntry), so the access decision,
 * the author-only and HPR rules, the version check and the audit event are those of /v1.
 */

/** The client's identifier of a note, kept with it as structured data (what If-None-Exist matches). */
const IDENTIFIER_KEY = 'fhirIdentifier';

async function noteOf(req: TenantRequest, entry: Entry): Promise<FhirResource> {
  const name = (await req.registry?.profile(req.tenant))?.name;
  const resource = toNoteReference(entry, req.tenant, name);
  const own = entry.data?.[IDENTIFIER_KEY];
  if (typeof own === 'string') {
    const { system, code } = splitToken(own);
    (resource.identifier as unknown[]).push({ use: 'usual', ...(system ? { system } : {}), value: code });
  }
  return resource;
}

/** The journal version an If-Match names: FHIR's weak `W/"3"` (as our reads send it) or /v1's `"v3"`. */
export function journalIfMatch(ifMatch: string | undefined): string | undefined {
  const m = ifMatch === undefined ? null : /^\s*(?:W\/)?"v?(\d{1,9})"\s*$/.exec(ifMatch);
  return m ? `"v${m[1]}"` : ifMatch;
}

/** A note (DocumentReference/{id}): the entry's current version, read and audited as in /v1. */
export async function readNote(req: TenantRequest, id: string): Promise<FhirResource> {
  const { patientId, entryId } = parseNoteId(id);
  return noteOf(req, await readEntry(req, patientId, entryId));
}

/**
 * The idempotency key of a conditional create: `If-None-Exist: identifier=system|value` names the
 * note, so a second create with it answers the first note (200) instead of writing another.
 * Only `identifier` is supported as the condition (400 otherwise).
 */
export function conditionalCreateKey(ifNoneExist: string): { key: string; identifier: string } {
  const params = new URLSearchParams(ifNoneExist.replace(/^\?/, ''));
  const keys = [...new Set(params.keys())];
  const identifier = params.get('identifier');
  if (keys.length !== 1 || !identifier || !/^[^|]{0,200}\|?[^|]{1,200}$/.test(identifier)) {
    throw new ValidationError('Ugyldig If-None-Exist.', [{ field: 'headers.if-none-exist', message: 'Støttet: identifier=<system>|<verdi>' }]);
  }
  return { key: `fhir-note:${createHash('sha256').update(identifier).digest('hex').slice(0, 48)}`, identifier };
}

/**
 * Creates a note as a draft (docStatus preliminary): the journal's createEntry, idempotent by
 * Idempotency-Key or by the If-None-Exist identifier. Signing is a second step (PUT with
 * docStatus final), as in /v1, so a note is never signed by the call that wrote it.
 */
export async function createNote(req: TenantRequest, body: unknown, headers: { 'idempotency-key'?: string; 'if-none-exist'?: string }): Promise<WriteOutcome<FhirResource>> {
  const write = parseNoteWrite(body);
  if (write.docStatus !== 'preliminary') {
    throw new ValidationError('Et notat opprettes som utkast.', [{ field: 'body.docStatus', message: 'Opprett med preliminary; signer med PUT og docStatus final' }]);
  }
  const condition = headers['if-none-exist'] === undefined ? undefined : conditionalCreateKey(headers['if-none-exist']);
  const entry = condition ? { ...write.entry, data: { ...write.entry.data, [IDENTIFIER_KEY]: condition.identifier } } : write.entry;
  // A FHIR create without a condition or key is not idempotent (as in any FHIR server): a key of its own.
  const key = headers['idempotency-key'] ?? condition?.key ?? `fhir-create:${randomUUID()}`;
  const outcome = await createEntry(req, write.patientId, entry, key);
  // FHIR's conditional create: when the condition matched an existing note, 200 and that note.
  const created = outcome.created && !(condition && outcome.replayed);
  return { ...outcome, created, value: await noteOf(req, outcome.value) };
}

/**
 * A PUT of a note, conditional on If-Match: docStatus preliminary edits the draft (editDraft);
 * final signs it (signEntry) and must carry the draft's content unchanged, so what is signed is
 * what the signer read. A signed note changes only by correction (/v1), never by PUT (409, from signEntry).
 */
export async function updateNote(req: TenantRequest, id: string, body: unknown, ifMatch: string | undefined): Promise<WriteOutcome<FhirResource>> {
  const { patientId, entryId } = parseNoteId(id);
  const write = parseNoteWrite(body);
  if (write.patientId !== patientId) throw new ValidationError('Feil pasient.', [{ field: 'body.subject.reference', message: 'Notatet tilhører en annen pasient' }]);
  const version = journalIfMatch(ifMatch);
  // 428 without If-Match and 412 for a value naming no version, before any read.
  const expected = expectVersion(version);
  if (write.docStatus === 'preliminary') {
    const outcome = await editDraft(req, patientId, entryId, { title: write.entry.title, text: write.entry.text, ...(write.entry.eventTime ? { eventTime: write.entry.eventTime } : {}) }, version);
    return { ...outcome, value: await noteOf(req, outcome.value) };
  }
  const current = await readEntry(req, patientId, entryId);
  // A signed note is refused (409) or, for the same PUT again, replayed by signEntry itself.
  if (current.status === 'draft' && (current.title !== write.entry.title || current.text !== write.entry.text || current.type !== write.entry.type)) {
    throw new ValidationError('Signering endrer ikke innholdet.', [{ field: 'body.content[0].attachment.data', message: 'Signer utkastet slik det er; endre det først med docStatus preliminary' }]);
  }
  // A PUT is idempotent by its condition: the same If-Match signs once, a replay answers the same.
  const outcome = await signEntry(req, patientId, entryId, version, `fhir-sign:${entryId}:${expected}`);
  return { ...outcome, value: await noteOf(req, outcome.value) };
}
