// @ts-nocheck
import { useEffect, useRef } from 'react';
import { completeOidcLogin } from '../auth/oidc';
import { endSession, startSession } from '../auth/session';
import { Loading } from '../components/ui';
import { config } from '../config';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { safeReturnTo } from './login-page';

/** The OIDC redirect target: redeems the code, starts the session, goes where the user was going. */
export function AuthCallbackPage() {
  const { t } = useI18n();
  const started = useRef(false);
  useEffect(() => {
    // The code is single-use: never redeem it twice (StrictMode runs effects twice in development).
    if (started.current) return;
    started.current = true;
    const auth = config().auth;
    if (auth.mode !== 'oidc') {
      navigate('/login', { replace: true });
      return;
    }
    const search = window.location.search;
    // The code and state leave the address bar and history at once.
    window.history.replaceState(null, '', auth.redirectPath);
    completeOidcLogin(auth, search)
      .then(async (tokens) => {
        await startSession(tokens.accessToken, tokens.expiresIn, tokens.idToken);
        navigate(safeReturnTo(tokens.returnTo), { replace: true });
      })
      .catch((error: unknown) => {
        endSession('login-failed', error instanceof Error ? error.message : undefined);
        navigate('/login', { replace: true });
      });
  }, []);
  return <Loading label={t('login.completing')} />;
}
