// @ts-nocheck
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../api/http';
import { fetchDemoUsers, takePrefetchedDemoUsers, type DemoUser } from '../auth/demo-users';
import { beginOidcLogin } from '../auth/oidc';
import { startSession, type LogoutReason } from '../auth/session';
import { ErrorMessage } from '../components/error-message';
import { Loading, PageTitle } from '../components/ui';
import { config } from '../config';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';

/** Where to go after login: only paths inside this app (no open redirect). */
export function safeReturnTo(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/login') ? value : '/';
}

function LocalLogin({ returnTo }: { returnTo: string }) {
  const { t } = useI18n();
  const [users, setUsers] = useState<DemoUser[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | undefined>();
  const [filter, setFilter] = useState('');
  const [attempt, setAttempt] = useState(0);
  const issuer = config().auth.issuer;

  useEffect(() => {
    const ctrl = new AbortController();
    setError(undefined);
    const pending = takePrefetchedDemoUsers() ?? fetchDemoUsers(ctrl.signal);
    pending.then(
      (list) => !ctrl.signal.aborted && setUsers(list),
      (e: unknown) => !ctrl.signal.aborted && setError(e),
    );
    return () => ctrl.abort();
  }, [issuer, attempt]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (users ?? []).filter((u) => !f || u.id.toLowerCase().includes(f) || u.name.toLowerCase().includes(f) || (u.tenant ?? '').includes(f));
  }, [users, filter]);

  const login = async (user: DemoUser) => {
    setBusy(user.id);
    setError(undefined);
    try {
      const res = await fetch(`${config().apiBase}${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:fellesjournal:demo-login', username: user.id }),
      }).catch(() => {
        throw new ApiError(0, 'network');
      });
      const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string };
      if (!res.ok || !body.access_token) throw new Error(body.error_description ?? `HTTP ${res.status}`);
      await startSession(body.access_token, body.expires_in);
      navigate(returnTo, { replace: true });
    } catch (e) {
      setError(e);
      setBusy(undefined);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const first = shown[0];
    if (first && !busy) void login(first);
  };

  const groups: { key: 'login.group.personnel' | 'login.group.citizen' | 'login.group.operator'; users: DemoUser[] }[] = [
    { key: 'login.group.personnel', users: shown.filter((u) => u.tenant) },
    { key: 'login.group.citizen', users: shown.filter((u) => !u.tenant && u.roles.includes('citizen')) },
    { key: 'login.group.operator', users: shown.filter((u) => !u.tenant && !u.roles.includes('citizen')) },
  ];

  return (
    <>
      <p>{t('login.localIntro')}</p>
      {error !== undefined && <ErrorMessage error={error} onRetry={users ? undefined : () => setAttempt((n) => n + 1)} />}
      {busy && <Loading label={t('login.signingIn')} />}
      {!users && !error && <Loading label={t('login.loadingUsers')} />}
      {users && (
        <>
          <form onSubmit={onSubmit} className="login-filter">
            <label htmlFor="user-filter">{t('login.filter')}</label>
            <input id="user-filter" type="search" value={filter} autoComplete="off" autoFocus onChange={(e) => setFilter(e.target.value)} />
          </form>
          {shown.length === 0 && <p>{t('login.noUsers')}</p>}
          {groups
            .filter((g) => g.users.length > 0)
            .map((g) => (
              <section key={g.key} aria-labelledby={`grp-${g.key}`}>
                <h2 id={`grp-${g.key}`}>{t(g.key)}</h2>
                <ul className="user-list">
                  {g.users.map((u) => (
                    <li key={u.id}>
                      <button type="button" className="user-button" data-user={u.id} disabled={!!busy} onClick={() => void login(u)}>
                        <span className="user-name">
                          <span className="sr-only">{t('login.asPrefix')} </span>
                          {u.name}
                        </span>
                        <span className="user-meta">
                          {u.roles.map((r) => t(`role.${r}`)).join(', ')}
                          {u.tenant ? ` · ${t('app.tenant', { tenant: u.tenant })}` : ''}
                          {u.profession ? ` · ${u.profession}` : ''}
                        </span>
                        <code className="user-id">{u.id}</code>
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
        </>
      )}
    </>
  );
}

function OidcLogin({ returnTo }: { returnTo: string }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const auth = config().auth;
  return (
    <>
      <p>{t('login.oidcIntro')}</p>
      {error !== undefined && <ErrorMessage error={error} />}
      <button
        type="button"
        className="btn btn-primary"
        disabled={busy || auth.mode !== 'oidc'}
        onClick={() => {
          if (auth.mode !== 'oidc') return;
          setBusy(true);
          beginOidcLogin(auth, returnTo).catch((e: unknown) => {
            setError(e);
            setBusy(false);
          });
        }}
      >
        {t('login.oidcButton')}
      </button>
    </>
  );
}

/** The login page: demo users locally, the OIDC authorization-code flow with PKCE in AWS. */
export function LoginPage({ reason, reasonDetail, returnTo }: { reason: LogoutReason | null; reasonDetail?: string; returnTo: string }) {
  const { t } = useI18n();
  return (
    <div className="login">
      <PageTitle>{t('login.title')}</PageTitle>
      {reason && (
        <div className={`alert ${reason === 'logged-out' ? 'alert-info' : 'alert-warn'}`} role="status" data-testid="login-reason">
          <p className="alert-title">{t(`login.reason.${reason}`)}</p>
          {reasonDetail && <p>{reasonDetail}</p>}
        </div>
      )}
      {config().auth.mode === 'oidc' ? <OidcLogin returnTo={returnTo} /> : <LocalLogin returnTo={returnTo} />}
    </div>
  );
}
