import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { config } from '../config';

let platformClient: DynamoDBClient | undefined;

function makeClient(credentials?: AwsCredentialIdentityProvider): DynamoDBClient {
  const cfg = config();
  return new DynamoDBClient({
    region: cfg.region,
    ...(cfg.dynamoEndpoint ? { endpoint: cfg.dynamoEndpoint } : {}),
    // DynamoDB Local accepts any credentials; the AWS runtime uses the function's own.
    ...(cfg.runtime === 'local' ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    ...(credentials ? { credentials } : {}),
    // The SDK's standard retry (exponential backoff with full jitter) covers throttling and dropped
    // connections; socket timeouts make a store that hangs fail the request (503) instead of holding
    // it. DynamoDB Local on a loaded developer machine can stall for seconds, hence its longer limit.
    maxAttempts: 3,
    // Resolve each command's middleware stack once per client, not on every send (the SDK rebuilt
    // and sorted it per call: a tenth of a millisecond and more per DynamoDB call in the profile,
    // bench/profile-read.ts). Nothing here adds middleware after a client's first send.
    cacheMiddleware: true,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: cfg.runtime === 'local' ? 30_000 : 5_000 },
  });
}

/** The container's DynamoDB client under the function's own role (platform tables, jobs). */
export function dynamo(): DynamoDBClient {
  platformClient ??= makeClient();
  return platformClient;
}

const vendedClients = new Map<string, DynamoDBClient>();
const MAX_VENDED_CLIENTS = 500;

/**
 * A DynamoDB client under vended session credentials (shared/auth/tenant-credentials.ts), one per
 * session key (tenant and caller, or a sharing read) and container, so a warm container pays for
 * neither a new client nor new credentials on the next request of the same caller.
 */
export function dynamoWith(cacheKey: string, credentials: AwsCredentialIdentityProvider): DynamoDBClient {
  let client = vendedClients.get(cacheKey);
  if (!client) {
    if (vendedClients.size >= MAX_VENDED_CLIENTS) {
      for (const c of vendedClients.values()) c.destroy();
      vendedClients.clear();
    }
    client = makeClient(credentials);
    vendedClients.set(cacheKey, client);
  }
  return client;
}
