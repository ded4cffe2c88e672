// @ts-nocheck
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Caller, VerifiedIdentity } from '../../shared/auth/caller';
import type { VendRequest, VendResponse } from '../../shared/auth/tenant-credentials';
import { makeTokenVerifier, type TokenVerifier } from '../../shared/auth/verify-token';
import { config } from '../../shared/config';
import { isTenantId } from '../../shared/db/keys';
import type { RouteSpec } from '../../shared/http/route';
import { resolveCaller, resolveTenant } from '../../shared/tenancy/tenant-access';

/**
 * The session vending function: the only principal the tenant-scoped role and the sharing-read
 * role trust (infra/constructs/permissions.ts). A data-plane function hands it the caller's bearer
 * token; it verifies the token itself (signature, issuer, audience, expiry: the same verifier as
 * the authorizer and the handlers), maps the caller through the registry (resolveTenant: a person's
 * municipality from their registry entry, a vendor's from x-tenant and the municipality's grant)
 * and assumes the role with the `tenant` tag from that mapping, never from a value the data-plane
 * function chose. So a data-plane function holds sessions only for municipalities of callers whose
 * valid tokens it was given.
 *
 * Why a function of its own and not the API authorizer: the authorizer runs on every call (its
 * result cache is off) and cannot know which sessions a use case needs (a sharing read's document,
 * the municipalities of a citizen's record are known only after the index is read), and handing
 * credentials through the authorizer context would put them in every request of the API. Here they
 * are asked for on demand, cached per container and caller by the data plane
 * (shared/auth/tenant-credentials.ts), and per tag set here.
 */

/** A token route acting in the caller's municipality, any vendor scope: the vending step's view of resolveTenant. */
const VENDING_ROUTE = { id: 'vendSession', auth: 'token', tenant: 'caller', scopes: [] } as unknown as RouteSpec;

const REFRESH_MS = 5 * 60_000;
let verifier: TokenVerifier | undefined;
let sts: STSClient | undefined;
const cache = new Map<string, VendResponse & { until: number }>();

function log(fields: Record<string, unknown>): void {
  // Ids and outcomes only, never the token.
  console.log(JSON.stringify({ level: 'INFO', service: 'session-vendor', ...fields }));
}

/** The caller's own municipality as the registry maps them (resolveTenant); refuses where it has none. */
export type OwnTenant = () => Promise<string>;

/**
 * The session tags for a wish of this caller (the verified identity joined with the registry), or
 * why it is refused. Exported for tests.
 */
export async function sessionTags(caller: Caller, request: VendRequest, ownTenant: OwnTenant): Promise<{ role: 'tenant' | 'sharing-read'; tags: Record<string, string> } | { refused: string }> {
  const { wish } = request;
  const isCitizen = caller.kind === 'person' && caller.roles.includes('citizen');
  if (wish.kind === 'tenant') {
    const tenant = await ownTenant();
    return tenant === wish.tenant ? { role: 'tenant', tags: { tenant } } : { refused: 'not-the-callers-municipality' };
  }
  if (wish.kind === 'citizen') {
    // The code decides which patient is the citizen's; IAM confines the session to the municipality.
    if (!isCitizen || !caller.pid || !isTenantId(wish.tenant)) return { refused: 'not-a-citizen' };
    return { role: 'tenant', tags: { tenant: wish.tenant } };
  }
  if (!isTenantId(wish.origin) || (wish.document !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(wish.document))) return { refused: 'bad-wish' };
  const own = isCitizen ? undefined : await ownTenant();
  if (own === wish.origin) return { refused: 'own-municipality' };
  return { role: 'sharing-read', tags: { origin: wish.origin, ...(own ? { tenant: own } : {}), ...(wish.document ? { document: wish.document } : {}) } };
}

async function assume(roleArn: string, tags: Record<string, string>): Promise<VendResponse & { until: number }> {
  const key = `${roleArn}|${JSON.stringify(tags)}`;
  const hit = cache.get(key);
  if (hit && hit.until - Date.now() > REFRESH_MS) return hit;
  sts ??= new STSClient({});
  const name = Object.values(tags).join('-').replace(/[^\w+=,.@-]/g, '').slice(0, 64);
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `fj-${name}`.slice(0, 64), Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })), DurationSeconds: 3600 }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) throw new Error('AssumeRole returned no credentials');
  const answer = { ok: true, accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration.toISOString(), until: c.Expiration.getTime(), tenant: tags.tenant, origin: tags.origin };
  if (cache.size >= 1000) cache.clear();
  cache.set(key, answer);
  return answer;
}

/** Lambda entry: invoked by the data-plane functions (lambda:InvokeFunction), never by API Gateway. */
export const handler = async (request: VendRequest): Promise<VendResponse> => {
  const cfg = config();
  verifier ??= makeTokenVerifier({ issuer: cfg.oidc.issuer, jwks: cfg.oidc.jwksUrl, audience: cfg.oidc.audience });
  let identity: VerifiedIdentity;
  try {
    identity = await verifier(request.authorization);
  } catch {
    log({ decision: 'refused', reason: 'token' });
    return { ok: false, reason: 'token' };
  }
  const headers: Record<string, string> = request.xTenant ? { 'x-tenant': request.xTenant } : {};
  let caller: Caller | undefined;
  let decided;
  try {
    caller = await resolveCaller(VENDING_ROUTE, identity);
    decided = await sessionTags(caller, request, async () => (await resolveTenant(VENDING_ROUTE, identity, headers)).tenant);
  } catch (error) {
    // resolveTenant refuses (403/400 kinds) for an unknown or inactive caller, an ungranted vendor, a suspended tenant.
    log({ decision: 'refused', reason: 'registry', sub: caller?.sub ?? identity.sub, error: (error as Error).name });
    return { ok: false, reason: 'registry' };
  }
  if ('refused' in decided) {
    log({ decision: 'refused', reason: decided.refused, sub: caller.sub, wish: request.wish.kind });
    return { ok: false, reason: decided.refused };
  }
  const roleArn = decided.role === 'tenant' ? cfg.tenantRoleArn : cfg.sharingReadRoleArn;
  if (!roleArn) throw new Error(`no role configured for ${decided.role} sessions`);
  const { until: _until, ...answer } = await assume(roleArn, decided.tags);
  log({ decision: 'vended', role: decided.role, sub: caller.sub, ...decided.tags });
  return answer;
};
