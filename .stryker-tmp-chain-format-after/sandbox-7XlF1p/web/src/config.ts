/** Runtime configuration, read from /config.json so one build serves every environment. */
// @ts-nocheck

export type AuthConfig =
  | { mode: 'local'; issuer: string }
  | {
      mode: 'oidc';
      /** The OIDC issuer; its discovery document gives the authorization and token endpoints. */
      issuer: string;
      clientId: string;
      scope: string;
      /** Path of this app that receives the authorization code. */
      redirectPath: string;
      /** Where to send the browser after logout, if the issuer supports RP-initiated logout. */
      postLogoutRedirectPath?: string;
    };

export interface RuntimeConfig {
  /** Base URL of the API; empty means the same origin as the web client. */
  apiBase: string;
  auth: AuthConfig;
}

const DEFAULT_CONFIG: RuntimeConfig = { apiBase: '', auth: { mode: 'local', issuer: '/local-auth' } };

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/** Parses the config file by hand: a malformed file falls back to local login rather than a blank page. */
export function parseConfig(raw: unknown): RuntimeConfig {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_CONFIG;
  const r = raw as { apiBase?: unknown; auth?: Record<string, unknown> };
  const apiBase = str(r.apiBase, '').replace(/\/+$/, '');
  const a = r.auth ?? {};
  if (a.mode === 'oidc' && typeof a.issuer === 'string' && typeof a.clientId === 'string') {
    return {
      apiBase,
      auth: {
        mode: 'oidc',
        issuer: a.issuer.replace(/\/+$/, ''),
        clientId: a.clientId,
        scope: str(a.scope, 'openid profile'),
        redirectPath: str(a.redirectPath, '/auth/callback'),
        ...(typeof a.postLogoutRedirectPath === 'string' ? { postLogoutRedirectPath: a.postLogoutRedirectPath } : {}),
      },
    };
  }
  return { apiBase, auth: { mode: 'local', issuer: str(a.issuer, '/local-auth').replace(/\/+$/, '') } };
}

let loaded: RuntimeConfig = DEFAULT_CONFIG;

/** Loads /config.json once at start-up; a missing file means the local defaults. */
export async function loadConfig(): Promise<RuntimeConfig> {
  try {
    // Preloaded by index.html, so this usually costs no round trip of its own.
    const res = await fetch('/config.json');
    loaded = res.ok ? parseConfig(await res.json()) : DEFAULT_CONFIG;
  } catch {
    loaded = DEFAULT_CONFIG;
  }
  return loaded;
}

export function config(): RuntimeConfig {
  return loaded;
}
