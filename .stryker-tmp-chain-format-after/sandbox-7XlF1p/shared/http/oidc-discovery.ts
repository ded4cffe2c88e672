// @ts-nocheck
import { config } from '../config';

export interface OidcEndpoints {
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
}

let cached: Promise<OidcEndpoints> | undefined;

/**
 * The token endpoint and JWKS as the issuer publishes them (OIDC discovery), read once per
 * container: HelseID's token endpoint is not at a fixed path below its issuer, so documents that
 * tell a client where to get a token (/openapi.json, SMART configuration) ask the issuer. If the
 * issuer cannot be reached the answer falls back to `<issuer>/token` and is tried again next time.
 */
export function oidcEndpoints(fetchImpl: typeof fetch = fetch): Promise<OidcEndpoints> {
  if (cached) return cached;
  const { oidc } = config();
  const issuer = oidc.issuer.replace(/\/$/, '');
  const fallback: OidcEndpoints = { issuer, tokenEndpoint: `${issuer}/token`, jwksUri: oidc.jwksUrl };
  const loading = (async () => {
    const res = await fetchImpl(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const doc = (await res.json()) as { token_endpoint?: unknown; jwks_uri?: unknown };
    return {
      issuer,
      tokenEndpoint: typeof doc.token_endpoint === 'string' ? doc.token_endpoint : fallback.tokenEndpoint,
      jwksUri: typeof doc.jwks_uri === 'string' ? doc.jwks_uri : fallback.jwksUri,
    };
  })();
  cached = loading;
  return loading.catch(() => {
    cached = undefined;
    return fallback;
  });
}
