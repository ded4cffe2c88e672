import { lazy } from 'react';
import type { Screen } from '../../screens';

// The pages load on first use, like the other screens.
const pages = () => import('./messaging-pages');
const UnitInboxPage = lazy(() => pages().then((m) => ({ default: m.UnitInboxPage })));
const PatientMessagesPage = lazy(() => pages().then((m) => ({ default: m.PatientMessagesPage })));
const ComposePage = lazy(() => pages().then((m) => ({ default: m.ComposePage })));
const ThreadPage = lazy(() => pages().then((m) => ({ default: m.ThreadPage })));
const MyMessagesPage = lazy(() => pages().then((m) => ({ default: m.MyMessagesPage })));
const MyThreadPage = lazy(() => pages().then((m) => ({ default: m.MyThreadPage })));

const p = (params: Record<string, string>, name: string): string => params[name] ?? '';

/** The messaging screens (a unit's inbox, compose, threads; the citizen's "Meldinger"), in menu order. */
export const MESSAGING_SCREENS: Screen[] = [
  { path: '/messages', roles: ['clinician'], nav: 'nav.messages', blurb: 'msg.inbox.blurb', render: () => <UnitInboxPage /> },
  { path: '/messages/new', roles: ['clinician'], render: () => <ComposePage /> },
  { path: '/messages/patient/:patientId', roles: ['clinician'], render: (params) => <PatientMessagesPage key={p(params, 'patientId')} patientId={p(params, 'patientId')} /> },
  { path: '/messages/threads/:threadId', roles: ['clinician'], render: (params) => <ThreadPage key={p(params, 'threadId')} threadId={p(params, 'threadId')} /> },
  { path: '/me/messages', roles: ['citizen'], nav: 'nav.myMessages', blurb: 'msg.my.blurb', render: () => <MyMessagesPage /> },
  { path: '/me/messages/:tenant/:threadId', roles: ['citizen'], render: (params) => <MyThreadPage key={p(params, 'threadId')} tenant={p(params, 'tenant')} threadId={p(params, 'threadId')} /> },
];
