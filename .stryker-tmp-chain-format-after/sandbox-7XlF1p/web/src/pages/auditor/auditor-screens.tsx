/** The log reviewer's screens, loaded as one chunk on first use. */
// @ts-nocheck

export { ReviewQueuePage } from './review-queue-page';
export { AuditEventsPage } from './events-page';
export { VerifyPage } from './verify-page';
