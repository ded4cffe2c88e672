/** The clinician's screens, loaded as one chunk on first use. */
// @ts-nocheck

export { PatientSearchPage } from './patient-search-page';
export { PatientPage } from './patient-page';
export { NewEntryPage, EntryPage } from './entry-pages';
export { SharedDocumentPage } from './shared-document-page';
