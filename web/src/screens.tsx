import { lazy, type ReactNode } from 'react';
import type { Role, Session } from './auth/session';
import type { MessageKey } from './i18n/i18n';
import { MESSAGING_SCREENS } from './pages/messaging/messaging-screens';

// Screens load on first use: the login page and the shell stay small, and the zod contracts the
// forms validate with come with the screens that need them.
const clinician = () => import('./pages/clinician/clinician-screens');
const PatientSearchPage = lazy(() => clinician().then((m) => ({ default: m.PatientSearchPage })));
const PatientPage = lazy(() => clinician().then((m) => ({ default: m.PatientPage })));
const NewEntryPage = lazy(() => clinician().then((m) => ({ default: m.NewEntryPage })));
const EntryPage = lazy(() => clinician().then((m) => ({ default: m.EntryPage })));
const SharedDocumentPage = lazy(() => clinician().then((m) => ({ default: m.SharedDocumentPage })));
const citizen = () => import('./pages/citizen/citizen-screens');
const MyRecordPage = lazy(() => citizen().then((m) => ({ default: m.MyRecordPage })));
const AccessLogPage = lazy(() => citizen().then((m) => ({ default: m.AccessLogPage })));
const MyDocumentsPage = lazy(() => citizen().then((m) => ({ default: m.MyDocumentsPage })));
const BlocksPage = lazy(() => citizen().then((m) => ({ default: m.BlocksPage })));
const auditor = () => import('./pages/auditor/auditor-screens');
const ReviewQueuePage = lazy(() => auditor().then((m) => ({ default: m.ReviewQueuePage })));
const AuditEventsPage = lazy(() => auditor().then((m) => ({ default: m.AuditEventsPage })));
const VerifyPage = lazy(() => auditor().then((m) => ({ default: m.VerifyPage })));
const admin = () => import('./pages/admin/admin-screens');
const UsersPage = lazy(() => admin().then((m) => ({ default: m.UsersPage })));
const UnitsPage = lazy(() => admin().then((m) => ({ default: m.UnitsPage })));
const TenantsPage = lazy(() => admin().then((m) => ({ default: m.TenantsPage })));
const VendorsPage = lazy(() => admin().then((m) => ({ default: m.VendorsPage })));
const VendorGrantsPage = lazy(() => admin().then((m) => ({ default: m.VendorGrantsPage })));
const StatsPage = lazy(() => import('./pages/leader/leader-screens').then((m) => ({ default: m.StatsPage })));

export interface Screen {
  path: string;
  roles: Role[];
  /** Menu label; screens without one are reached from other screens. */
  nav?: MessageKey;
  /** One-line description on the start page. */
  blurb?: MessageKey;
  render(params: Record<string, string>, session: Session): ReactNode;
}

const p = (params: Record<string, string>, name: string): string => params[name] ?? '';

// Client paths avoid the API prefixes (/v1, /ops, /fhir), which the gateway and CloudFront route to the API.
/** Every screen, in menu order. Access here is for navigation only; the API decides what is allowed. */
export const SCREENS: Screen[] = [
  { path: '/patients', roles: ['clinician'], nav: 'nav.patients', blurb: 'patients.blurb', render: () => <PatientSearchPage /> },
  { path: '/patients/:patientId', roles: ['clinician'], render: (params, session) => <PatientPage key={p(params, 'patientId')} patientId={p(params, 'patientId')} session={session} /> },
  { path: '/patients/:patientId/entries/new', roles: ['clinician'], render: (params) => <NewEntryPage patientId={p(params, 'patientId')} /> },
  {
    path: '/patients/:patientId/entries/:entryId',
    roles: ['clinician'],
    render: (params, session) => <EntryPage key={p(params, 'entryId')} patientId={p(params, 'patientId')} entryId={p(params, 'entryId')} session={session} />,
  },
  {
    path: '/patients/:patientId/shared/:documentId',
    roles: ['clinician'],
    render: (params) => <SharedDocumentPage key={p(params, 'documentId')} patientId={p(params, 'patientId')} documentId={p(params, 'documentId')} />,
  },
  { path: '/me/record', roles: ['citizen'], nav: 'nav.myRecord', blurb: 'citizen.record.blurb', render: () => <MyRecordPage /> },
  { path: '/me/access-log', roles: ['citizen'], nav: 'nav.accessLog', blurb: 'citizen.log.blurb', render: () => <AccessLogPage /> },
  { path: '/me/documents', roles: ['citizen'], nav: 'nav.myDocuments', blurb: 'myDocs.blurb', render: () => <MyDocumentsPage /> },
  { path: '/me/sharing', roles: ['citizen'], nav: 'nav.blocks', blurb: 'blocks.blurb', render: () => <BlocksPage /> },
  ...MESSAGING_SCREENS,
  { path: '/audit/review', roles: ['auditor'], nav: 'nav.review', blurb: 'review.blurb', render: () => <ReviewQueuePage /> },
  { path: '/audit/events', roles: ['auditor'], nav: 'nav.events', blurb: 'audit.events.blurb', render: () => <AuditEventsPage /> },
  { path: '/audit/verify', roles: ['auditor'], nav: 'nav.verify', blurb: 'verify.blurb', render: () => <VerifyPage /> },
  { path: '/admin/users', roles: ['tenant-admin'], nav: 'nav.users', blurb: 'admin.users.blurb', render: (_params, session) => <UsersPage session={session} /> },
  { path: '/admin/units', roles: ['tenant-admin'], nav: 'nav.units', blurb: 'admin.units.blurb', render: () => <UnitsPage /> },
  { path: '/admin/vendors', roles: ['tenant-admin'], nav: 'nav.vendors', blurb: 'admin.vendors.blurb', render: () => <VendorGrantsPage /> },
  { path: '/leader/stats', roles: ['leder'], nav: 'nav.stats', blurb: 'stats.blurb', render: () => <StatsPage /> },
  { path: '/operator/tenants', roles: ['operator'], nav: 'nav.tenants', blurb: 'ops.tenants.blurb', render: () => <TenantsPage /> },
  { path: '/operator/stats', roles: ['operator'], nav: 'nav.nationalStats', blurb: 'stats.national.blurb', render: () => <StatsPage scope="national" /> },
  { path: '/operator/vendors', roles: ['operator'], nav: 'nav.vendors', blurb: 'ops.vendors.blurb', render: () => <VendorsPage /> },
];
