/** The citizen's screens, loaded as one chunk on first use. */
// @ts-nocheck

export { MyRecordPage } from './my-record-page';
export { AccessLogPage } from './access-log-page';
export { MyDocumentsPage } from './my-documents-page';
export { BlocksPage } from './blocks-page';
