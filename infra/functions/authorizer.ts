import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { makeTokenVerifier, type TokenVerifier } from '../../shared/auth/verify-token';
import { ENV } from '../../shared/config/env-names';
import { UnauthenticatedError } from '../../shared/errors';
import { AUTHORIZER_ENV } from './usage-keys';

let verifier: TokenVerifier | undefined;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The whole stage: API Gateway caches one result per token, so it must hold for every route. */
export function stageWildcard(methodArn: string): string {
  // arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path...>
  const [prefix, stage] = methodArn.split('/');
  if (!prefix || !stage) throw new Error('Unexpected methodArn');
  return `${prefix}/${stage}/*`;
}

function log(fields: Record<string, unknown>): void {
  // One JSON line per decision; ids and outcomes only, never token contents or personal data.
  console.log(JSON.stringify({ level: 'INFO', service: 'authorizer', ...fields }));
}

/**
 * API Gateway REQUEST authorizer. Verifies the bearer token (signature from the issuer's JWKS,
 * issuer, audience, expiry) with the same code the handlers use, then tells API Gateway which
 * usage-plan key meters the call (API key source AUTHORIZER):
 * - a vendor client (client-credentials token) is metered under the API key it was issued at
 *   registration and sends as `x-api-key`; without one it is refused;
 * - a person (web client) is metered under the web plan's key.
 * Roles, scopes and tenant checks stay in the handlers, which verify the token again.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  verifier ??= makeTokenVerifier({
    issuer: env(ENV.oidcIssuer),
    jwks: env(ENV.oidcJwksUrl),
    audience: process.env[ENV.oidcAudience] || undefined,
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  let caller;
  try {
    caller = await verifier(headers.authorization);
  } catch (error) {
    if (error instanceof UnauthenticatedError) {
      log({ decision: 'unauthorized', requestId: event.requestContext?.requestId });
      // The one message API Gateway turns into 401 (gateway response UNAUTHORIZED).
      throw new Error('Unauthorized');
    }
    throw error;
  }
  const resource = stageWildcard(event.methodArn);
  const usageIdentifierKey = caller.kind === 'client' ? headers['x-api-key'] : env(AUTHORIZER_ENV.webUsageKey);
  const allowed = usageIdentifierKey !== undefined && usageIdentifierKey.length >= 20;
  log({ decision: allowed ? 'allow' : 'deny-no-api-key', kind: caller.kind, sub: caller.sub, requestId: event.requestContext?.requestId });
  return {
    principalId: caller.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: allowed ? 'Allow' : 'Deny', Resource: resource }],
    },
    ...(allowed ? { usageIdentifierKey } : {}),
    context: { kind: caller.kind, ...(caller.clientId ? { clientId: caller.clientId } : {}) },
  };
};
