import type { ReactNode } from 'react';
import type { Role, Session } from './auth/session';
import type { MessageKey } from './i18n/i18n';

export interface Screen {
  path: string;
  roles: Role[];
  /** Menu label; screens without one are reached from other screens. */
  nav?: MessageKey;
  /** One-line description on the start page. */
  blurb?: MessageKey;
  render(params: Record<string, string>, session: Session): ReactNode;
}

/** Every screen, in menu order. Access here is for navigation only; the API decides what is allowed. */
export const SCREENS: Screen[] = [];
