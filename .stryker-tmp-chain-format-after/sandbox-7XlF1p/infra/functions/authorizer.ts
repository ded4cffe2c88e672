// @ts-nocheck
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { makeTokenVerifier, type TokenVerifier } from '../../shared/auth/verify-token';
import { ENV } from '../../shared/config/env-names';
import { UnauthenticatedError } from '../../shared/errors';
import { controlKeys } from '../../shared/tenancy/control-keys';
import { AUTHORIZER_ENV, VENDOR_ATTRIBUTES } from './usage-keys';

let verifier: TokenVerifier | undefined;
let dynamo: DynamoDBClient | undefined;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The whole stage: the decision does not depend on the route (roles and scopes are checked in the handlers). */
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

export interface VendorKeyRecord {
  status?: unknown;
  apiKeyHash?: unknown;
}

/**
 * Whether a presented `x-api-key` is the key issued to an active vendor client: the registry keeps
 * the SHA-256 (hex) of the key value (functions/vendors/vendor-service.ts), never the value.
 */
export function vendorKeyMatches(vendor: VendorKeyRecord | undefined, apiKey: string | undefined): boolean {
  if (!vendor || vendor.status !== 'active' || typeof vendor.apiKeyHash !== 'string' || !apiKey) return false;
  const stored = Buffer.from(vendor.apiKeyHash, 'hex');
  const presented = createHash('sha256').update(apiKey, 'utf8').digest();
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** The vendor client's status and key hash, or undefined when the client is not registered. */
async function readVendor(clientId: string): Promise<VendorKeyRecord | undefined> {
  let key;
  try {
    key = controlKeys.vendor(clientId);
  } catch {
    return undefined; // not a possible client id (e.g. contains the key separator)
  }
  // Loaded only for vendor calls: persons (most calls) never pay the DynamoDB client's init time.
  const { DynamoDBClient, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  dynamo ??= new DynamoDBClient({ maxAttempts: 2 });
  const out = await dynamo.send(
    new GetItemCommand({
      TableName: env(ENV.tableControl),
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ProjectionExpression: VENDOR_ATTRIBUTES.map((_a, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(VENDOR_ATTRIBUTES.map((a, i) => [`#a${i}`, a])),
      // A disabled client or a replaced key must stop working at once.
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return undefined;
  return { status: out.Item.status?.S, apiKeyHash: out.Item.apiKeyHash?.S };
}

/**
 * API Gateway REQUEST authorizer. Verifies the bearer token (signature from the issuer's JWKS,
 * issuer, audience (required), expiry, iat/nbf not ahead) with the same code the handlers use, then tells API Gateway which
 * usage-plan key meters the call (API key source AUTHORIZER):
 * - a vendor client (client-credentials token) is metered under the API key issued to it at
 *   registration, which it sends as `x-api-key`: allowed only when the client is active in the
 *   registry and the key's SHA-256 is the one stored for that client (a key of another client, or
 *   none, is refused);
 * - a person (web client) is metered under the web plan's key.
 * Roles, scopes and tenant checks stay in the handlers, which verify the token again.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  verifier ??= makeTokenVerifier({
    issuer: env(ENV.oidcIssuer),
    jwks: env(ENV.oidcJwksUrl),
    audience: env(ENV.oidcAudience),
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
  let usageIdentifierKey: string | undefined;
  let decision: string;
  if (caller.kind === 'client') {
    const apiKey = headers['x-api-key'];
    const ok = !!caller.clientId && !!apiKey && vendorKeyMatches(await readVendor(caller.clientId), apiKey);
    usageIdentifierKey = ok ? apiKey : undefined;
    decision = ok ? 'allow' : apiKey ? 'deny-api-key-not-this-client' : 'deny-no-api-key';
  } else {
    usageIdentifierKey = env(AUTHORIZER_ENV.webUsageKey);
    decision = 'allow';
  }
  const allowed = usageIdentifierKey !== undefined;
  log({ decision, kind: caller.kind, sub: caller.sub, ...(caller.clientId ? { clientId: caller.clientId } : {}), requestId: event.requestContext?.requestId });
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
