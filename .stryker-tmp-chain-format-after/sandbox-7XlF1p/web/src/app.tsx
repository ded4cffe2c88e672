// @ts-nocheck
import { Suspense, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type * as z from 'zod/mini';
import type { ownTenantSchema } from '../../shared/contracts/platform';
import { oidcLogoutUrl } from './auth/oidc';
import { endSession, hasRole, sessionSnapshot, subscribeSession, type Role, type Session } from './auth/session';
import { ErrorBoundary, ErrorMessage } from './components/error-message';
import { useApi } from './components/use-api';
import { Loading, PageTitle } from './components/ui';
import { config } from './config';
import { useI18n, type MessageKey } from './i18n/i18n';
import { AuthCallbackPage } from './pages/auth-callback-page';
import { HomePage } from './pages/home-page';
import { LoginPage, safeReturnTo } from './pages/login-page';
import { SCREENS, type Screen } from './screens';
import { Link, matchPath, navigate, useLocation } from './router';

type OwnTenant = z.infer<typeof ownTenantSchema>;

/** Menu entries for the roles the user holds, in a fixed order. */
export function navFor(session: Session): Screen[] {
  return SCREENS.filter((s) => s.nav && s.roles.some((r) => session.me.roles.includes(r)));
}

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang" role="group" aria-label={t('app.language')}>
      {(['nb', 'en'] as const).map((l) => (
        <button key={l} type="button" className="lang-btn" aria-pressed={lang === l} onClick={() => setLang(l)} lang={l}>
          {l === 'nb' ? 'Norsk' : 'English'}
        </button>
      ))}
    </div>
  );
}

function useMinutesLeft(expiresAt: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(id);
  }, []);
  return expiresAt === undefined ? undefined : Math.max(0, Math.ceil((expiresAt - now) / 60_000));
}

const PERSONNEL: Role[] = ['clinician', 'tenant-admin', 'auditor'];

function Shell({ session, children }: { session: Session; children: ReactNode }) {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const tenant = useApi<OwnTenant>(hasRole(session, ...PERSONNEL) && session.me.tenant ? '/v1/tenant' : null);
  const minutesLeft = useMinutesLeft(session.expiresAt);
  const nav = navFor(session);
  const logout = () => {
    const auth = config().auth;
    const idToken = session.idToken;
    endSession('logged-out');
    navigate('/login', { replace: true });
    if (auth.mode === 'oidc') void oidcLogoutUrl(auth, idToken).then((url) => url && window.location.assign(url));
  };
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            FJ
          </span>
          <span>{t('app.name')}</span>
        </Link>
        <div className="topbar-context">
          {session.me.tenant && (
            <span className="tenant" data-testid="tenant">
              {tenant.data ? `${tenant.data.name} (${tenant.data.id})` : t('app.tenant', { tenant: session.me.tenant })}
            </span>
          )}
        </div>
        <div className="topbar-user">
          <span className="who" data-testid="who">
            <strong>{session.me.name ?? session.me.sub}</strong>
            <span className="muted"> · {session.me.roles.map((r) => t(`role.${r}`)).join(', ')}</span>
          </span>
          <LanguageSwitch />
          <button type="button" className="btn btn-quiet" onClick={logout}>
            {t('app.logout')}
          </button>
        </div>
      </header>
      {nav.length > 0 && (
        <nav className="mainnav" aria-label={t('app.mainNav')}>
          <ul>
            {nav.map((s) => {
              const active = pathname === s.path || pathname.startsWith(`${s.path}/`);
              return (
                <li key={s.path}>
                  <Link to={s.path} aria-current={active ? 'page' : undefined}>
                    {t(s.nav as MessageKey)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      )}
      {minutesLeft !== undefined && minutesLeft <= 5 && (
        <div className="banner banner-warn" role="status">
          {t('app.sessionEndsSoon', { min: minutesLeft })}
        </div>
      )}
      <main id="main" className="content">
        {children}
      </main>
    </>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('app.notFound')}</PageTitle>
      <Link to="/">{t('app.toHome')}</Link>
    </>
  );
}

function Forbidden() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('error.kind.forbidden')}</PageTitle>
      <p>{t('app.forbiddenPage')}</p>
      <Link to="/">{t('app.toHome')}</Link>
    </>
  );
}

function resolveScreen(session: Session, pathname: string): ReactNode {
  if (pathname === '/') return <HomePage session={session} />;
  for (const screen of SCREENS) {
    const params = matchPath(screen.path, pathname);
    if (!params) continue;
    if (!screen.roles.some((r) => session.me.roles.includes(r))) return <Forbidden />;
    return screen.render(params, session);
  }
  return <NotFound />;
}

/** The whole client: login when there is no session, otherwise the shell and the screen for the path. */
export function App() {
  const { t } = useI18n();
  const { session, reason, reasonDetail } = useSyncExternalStore(subscribeSession, sessionSnapshot);
  const { pathname, search } = useLocation();

  useEffect(() => {
    // Without a session every path leads to login, remembering where the user was going.
    const auth = config().auth;
    const callback = auth.mode === 'oidc' ? auth.redirectPath : undefined;
    if (!session && pathname !== '/login' && pathname !== callback) {
      const here = window.location.pathname + window.location.search;
      navigate(here === '/' ? '/login' : `/login?returnTo=${encodeURIComponent(here)}`, { replace: true });
    }
    if (session && pathname === '/login') navigate(safeReturnTo(search.get('returnTo')), { replace: true });
  }, [session, pathname, search]);

  const auth = config().auth;
  if (auth.mode === 'oidc' && pathname === auth.redirectPath) return <AuthCallbackPage />;

  const fallback = (error: unknown, reset: () => void) => (
    <main id="main" className="content">
      <PageTitle>{t('error.title')}</PageTitle>
      <ErrorMessage error={error} onRetry={reset} />
      <Link to="/" onClick={reset}>
        {t('app.toHome')}
      </Link>
    </main>
  );

  if (!session) {
    return (
      <ErrorBoundary fallback={fallback}>
        <div className="login-wrap">
          <header className="login-header">
            <span className="brand">
              <span className="brand-mark" aria-hidden="true">
                FJ
              </span>
              <span>{t('app.name')}</span>
            </span>
            <span className="muted">{t('app.tagline')}</span>
            <LanguageSwitch />
          </header>
          <main id="main" className="content narrow">
            <LoginPage reason={reason} reasonDetail={reasonDetail} returnTo={safeReturnTo(search.get('returnTo'))} />
          </main>
        </div>
      </ErrorBoundary>
    );
  }
  return (
    <Shell session={session}>
      <ErrorBoundary key={pathname} fallback={fallback}>
        <Suspense fallback={<Loading />}>{resolveScreen(session, pathname)}</Suspense>
      </ErrorBoundary>
    </Shell>
  );
}
