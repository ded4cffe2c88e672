// @ts-nocheck
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useI18n, type MessageKey, type Translate } from '../i18n/i18n';
import { OidcError } from '../auth/oidc';

export interface DescribedError {
  title: string;
  detail?: string;
  fields: { field: string; message: string }[];
  requestId?: string;
}

const KNOWN_KINDS = new Set([
  'validation',
  'unauthenticated',
  'forbidden',
  'tenant-suspended',
  'not-found',
  'conflict',
  'precondition-failed',
  'precondition-required',
  'unsupported-media-type',
  'too-many-requests',
  'internal',
  'method-not-allowed',
]);

/** Turns anything thrown into words for a person: problem+json title/detail/errors, never raw JSON. */
export function describeError(error: unknown, t: Translate, lang: 'nb' | 'en'): DescribedError {
  if (error instanceof ApiError) {
    if (error.kind === 'network') return { title: t('error.title'), detail: t('error.network'), fields: [] };
    if (error.kind === 'expired') return { title: t('error.expired'), fields: [] };
    const p = error.problem;
    if (!p) return { title: t('error.title'), detail: t('error.unexpected', { status: error.status }), fields: [] };
    const kind = error.problemKind;
    // The API writes titles in bokmål; in English the title comes from the problem type.
    const title = lang === 'en' && kind && KNOWN_KINDS.has(kind) ? t(`error.kind.${kind}` as MessageKey) : p.title;
    return { title, detail: p.detail, fields: p.errors ?? [], requestId: p.requestId };
  }
  if (error instanceof OidcError) return { title: t('login.reason.login-failed'), detail: error.message, fields: [] };
  return { title: t('error.title'), detail: error instanceof Error ? error.message : undefined, fields: [] };
}

/** A readable, announced error box with an optional retry. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  const d = describeError(error, t, lang);
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{d.title}</p>
      {d.detail && <p>{d.detail}</p>}
      {d.fields.length > 0 && (
        <>
          <p>{t('error.fields')}</p>
          <ul>
            {d.fields.map((f) => (
              <li key={`${f.field}:${f.message}`}>
                <strong>{f.field}</strong>: {f.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {d.requestId && (
        <p className="muted small">
          {t('app.requestId')}: <code>{d.requestId}</code>
        </p>
      )}
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

/** Last line of defence: a rendering bug shows a message and a way out, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode; fallback: (error: unknown, reset: () => void) => ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // Only the component stack: messages could echo patient data.
    console.error('render error', error instanceof Error ? error.name : 'unknown', info.componentStack?.split('\n')[1]?.trim());
  }

  override render() {
    if (this.state.error) return this.props.fallback(this.state.error, () => this.setState({ error: null }));
    return this.props.children;
  }
}
