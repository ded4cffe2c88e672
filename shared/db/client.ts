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
    maxAttempts: 3,
  });
}

/** The container's DynamoDB client under the function's own role (control plane, audit appends). */
export function dynamo(): DynamoDBClient {
  platformClient ??= makeClient();
  return platformClient;
}

const tenantClients = new Map<string, DynamoDBClient>();

/**
 * A DynamoDB client acting for one tenant. In AWS it runs under the tenant-scoped role (STS session
 * tag `tenant`), so IAM refuses keys of any other tenant; credentials are cached per container.
 * With `auditPeer` the session also carries that tag, which opens the peer's audit log for reading
 * and adding items and nothing else of the peer. Locally it is the shared client and the key guard
 * in tenant-db.ts does the refusing.
 */
export async function dynamoForTenant(tenant: string, auditPeer?: string): Promise<DynamoDBClient> {
  const roleArn = config().tenantRoleArn;
  if (!roleArn) return dynamo();
  const id = auditPeer ? `${tenant}+${auditPeer}` : tenant;
  let client = tenantClients.get(id);
  if (!client) {
    const { tenantCredentials } = await import('../auth/tenant-credentials');
    client = makeClient(tenantCredentials(roleArn, tenant, auditPeer));
    tenantClients.set(id, client);
  }
  return client;
}
