import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

let sts: STSClient | undefined;
const cache = new Map<string, AwsCredentialIdentity>();

/**
 * Credentials for the tenant-scoped role, assumed with the session tag `tenant`. The role's policy
 * only allows DynamoDB keys and KMS contexts of that tenant; with the tag `auditPeer` also reading
 * and adding items in that one other tenant's audit log. Cached until five minutes before expiry.
 */
export function tenantCredentials(roleArn: string, tenant: string, auditPeer?: string): AwsCredentialIdentityProvider {
  const id = auditPeer ? `${tenant}+${auditPeer}` : tenant;
  return async () => {
    const hit = cache.get(id);
    if (hit?.expiration && hit.expiration.getTime() - Date.now() > 5 * 60_000) return hit;
    sts ??= new STSClient({});
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: auditPeer ? `tenant-${tenant}-audit-${auditPeer}` : `tenant-${tenant}`,
        Tags: [{ Key: 'tenant', Value: tenant }, ...(auditPeer ? [{ Key: 'auditPeer', Value: auditPeer }] : [])],
        DurationSeconds: 3600,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    const creds: AwsCredentialIdentity = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    cache.set(id, creds);
    return creds;
  };
}
