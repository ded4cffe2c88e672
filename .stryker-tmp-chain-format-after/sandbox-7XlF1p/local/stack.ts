// @ts-nocheck
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ROUTES } from '../functions/routes';
import { listTenants } from '../shared/tenancy/tenant-store';
import { verifyClientCredentials } from '../functions/vendors/vendor-service';
import type { RouteSpec } from '../shared/http/route';
import type { UserProfile } from '../shared/tenancy/user-profile';
import { getUser, listTenantUsers } from '../shared/tenancy/user-store';
import { createTables } from './create-tables';
import { DEMO_USERS } from './demo-data';
import { applyLocalEnvironment } from './environment';
import { freePort } from './dynamodb-local';
import { startGateway, type GatewayOptions, type RunningGateway } from './gateway';
import { LocalTokenIssuer } from './token-issuer';
import { verifyClientAssertion } from './client-assertion';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const ISSUER_PATH = '/local-auth';

export interface LocalStackOptions {
  dynamoEndpoint: string;
  stage: string;
  /** 0 picks a free port. */
  port: number;
  keystoreDir: string;
  issuerKeyFile?: string;
  clientCredentials?: GatewayOptions['clientCredentials'];
  /** Routes beyond the route table (test fixtures). */
  extraRoutes?: RouteSpec[];
}

export interface LocalStack {
  url: string;
  issuer: LocalTokenIssuer;
  gateway: RunningGateway;
  /** A bearer token for a user that exists in the control table. */
  tokenFor(userId: string): Promise<string>;
  stop(): Promise<void>;
}

function webRoot(): string | undefined {
  const built = join(REPO_ROOT, 'web', 'dist');
  if (existsSync(join(built, 'index.html'))) return built;
  const placeholder = join(REPO_ROOT, 'web', 'public');
  return existsSync(placeholder) ? placeholder : undefined;
}

/** How many users of each municipality the local login lists. */
const USERS_PER_TENANT = 200;

/** Every user of the registered municipalities: one query per municipality. */
async function registeredUsers(): Promise<UserProfile[]> {
  const tenants = await listTenants();
  const pages = await Promise.all(tenants.map((t) => listTenantUsers(t.id, USERS_PER_TENANT)));
  return pages.flatMap((p) => p.items);
}

/**
 * The login page lists the demo users on every first load, then every other active user of the
 * registered municipalities (so a municipality created later, such as its first admin from
 * `npm run ops -- tenants create ... --admin`, can be logged into). The municipalities' users come
 * from one query each; only demo users outside a municipality (citizens, operators) are read one
 * GetItem each, which against a busy DynamoDB Local costs hundreds of ms. A list at most 5 s old is
 * good enough for a picker: the token endpoint still reads the user (and refuses a disabled one) at login.
 */
function recentDemoUsers(maxAgeMs = 5_000): () => Promise<UserProfile[]> {
  let cached: { at: number; users: Promise<UserProfile[]> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > maxAgeMs) {
      const users = registeredUsers().then(async (registered) => {
        const byId = new Map(registered.map((u) => [u.id, u]));
        const demo = await Promise.all(DEMO_USERS.map(async (u) => byId.get(u.id) ?? (await getUser(u.id))));
        const listed = demo.filter((u) => u !== undefined);
        const ids = new Set(listed.map((u) => u.id));
        const more = registered
          .filter((u) => !ids.has(u.id) && u.status === 'active')
          .sort((a, b) => (a.tenant ?? '').localeCompare(b.tenant ?? '') || a.id.localeCompare(b.id));
        return [...listed, ...more];
      });
      users.catch(() => (cached = undefined));
      cached = { at: Date.now(), users };
    }
    return cached.users;
  };
}

/** Everything but DynamoDB Local itself: config, tables, token issuer and gateway, in this process. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const port = options.port === 0 ? await freePort() : options.port;
  const issuerUrl = `http://127.0.0.1:${port}${ISSUER_PATH}`;
  applyLocalEnvironment({ stage: options.stage, dynamoEndpoint: options.dynamoEndpoint, issuer: issuerUrl, keystoreDir: options.keystoreDir });
  const client = new DynamoDBClient({ endpoint: options.dynamoEndpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await createTables(client, options.stage);
  client.destroy();
  const issuer = await LocalTokenIssuer.create(issuerUrl, options.issuerKeyFile);
  const gateway = await startGateway({
    port,
    routes: [...ROUTES, ...(options.extraRoutes ?? [])],
    root: REPO_ROOT,
    issuer,
    issuerPath: ISSUER_PATH,
    findUser: getUser,
    listDemoUsers: recentDemoUsers(),
    // Vendor clients registered through the operator API (functions/vendors) unless a test brings its own.
    clientCredentials: options.clientCredentials ?? verifyClientCredentials,
    // private_key_jwt (RFC 7523) against the public key registered with the vendor.
    clientAssertion: verifyClientAssertion,
    webRoot: webRoot(),
  });
  return {
    url: gateway.url,
    issuer,
    gateway,
    tokenFor: async (userId) => {
      const user = await getUser(userId);
      if (!user) throw new Error(`No user ${userId}`);
      return (await issuer.issueForUser(user)).access_token;
    },
    stop: () => gateway.stop(),
  };
}
