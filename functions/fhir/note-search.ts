import { ValidationError } from '../../shared/errors';
import { ENTRY_TYPES, type EntryType } from '../../shared/contracts/journal';
import type { TenantRequest } from '../core/patient-access';
import { readTimeline } from '../journal/entry-service';
import { keyedSearchset, pageKey } from './bundle';
import { DOCUMENT_TYPE_SYSTEM, NO_BASIS } from './no-basis';
import { toNoteSummary } from './note-map';
import { dateMatches, splitToken, tokenMatches, type NoteSearchQuery } from './search-params';

/** The journal entry type a `type` token names (the journal filters by it itself); 400 for another system or code. */
function entryTypeOf(param: string | undefined): EntryType | undefined {
  if (param === undefined) return undefined;
  const { system, code } = splitToken(param);
  if ((system === undefined || system === DOCUMENT_TYPE_SYSTEM) && Object.hasOwn(ENTRY_TYPES, code)) return code as EntryType;
  throw new ValidationError('Forespørselen har ugyldige felt.', [{ field: 'query.type', message: `En kode i ${DOCUMENT_TYPE_SYSTEM}` }]);
}

/**
 * Search over the patient's journal notes (Patient/{id}/DocumentReference): one page of the
 * journal's timeline (GET /v1/patients/{id}/timeline), with its access decision, blocks and audit
 * event (`patient.timeline`), told as DocumentReference. `type` is the journal's own filter;
 * status, docStatus, date and author narrow the page it returned, so a page may hold fewer than
 * `_count` notes while `next` says more remain. The `_page` is the journal's page key, sealed for
 * this caller and this search.
 */
export async function searchNotes(req: TenantRequest, patientId: string, q: NoteSearchQuery, base: string): Promise<Record<string, unknown>> {
  const { _count, _page, ...params } = q;
  const scope = { resource: 'DocumentReference', path: `Patient/${patientId}/DocumentReference`, tenant: req.tenant, sub: req.caller.sub, params };
  const type = entryTypeOf(q.type);
  const cursor = await pageKey(scope, _page);
  const timeline = await readTimeline(req, patientId, { limit: _count, ...(cursor ? { cursor } : {}), ...(type ? { type } : {}) });
  const name = (await req.registry?.profile(req.tenant))?.name;
  const hpr = q.author?.replace(/^Practitioner\//, '');
  const page = timeline.items
    .map((item) => toNoteSummary(item, patientId, req.tenant, name, base))
    .filter((doc, i) => {
      const item = timeline.items[i]!;
      return (
        (q.status === undefined || doc.status === q.status) &&
        (q.docStatus === undefined || doc.docStatus === q.docStatus) &&
        dateMatches(q.date, item.recordedAt) &&
        (hpr === undefined || tokenMatches(hpr, NO_BASIS.hpr, item.author.hpr))
      );
    });
  return keyedSearchset({ scope, base, page, count: _count, nextKey: timeline.nextCursor });
}
