import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ROUTES } from '../functions/routes';
import { listTenants } from '../functions/tenants/tenant-store';
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

/** Everything but DynamoDB Local itself: config, tables, token issuer and gateway, in this process. */
/** How many users of each municipality the local login lists beyond the demo set. */
const REGISTERED_USERS_PER_TENANT = 100;

/**
 * Active users the registry holds beyond the demo set: a municipality's first admin created with
 * `npm run ops -- tenants create ... --admin`, users an admin added. One query per municipality.
 */
async function registeredUsers(): Promise<UserProfile[]> {
  const tenants = await listTenants();
  const pages = await Promise.all(tenants.map((t) => listTenantUsers(t.id, REGISTERED_USERS_PER_TENANT)));
  return pages
    .flatMap((p) => p.items)
    .filter((u) => u.status === 'active')
    .sort((a, b) => (a.tenant ?? '').localeCompare(b.tenant ?? '') || a.id.localeCompare(b.id));
}

/**
 * The login page lists the demo users on every first load, then everyone else the registry holds
 * (so a municipality created later, with its admin, can be logged into); one GetItem per demo user
 * against a busy DynamoDB Local costs hundreds of ms. A list at most 5 s old is good enough for a
 * picker: the token endpoint still reads the user (and refuses a disabled one) at login.
 */
function recentDemoUsers(maxAgeMs = 5_000): () => Promise<UserProfile[]> {
  let cached: { at: number; users: Promise<UserProfile[]> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > maxAgeMs) {
      const demo = Promise.all(DEMO_USERS.map((u) => getUser(u.id))).then((list) => list.filter((u) => u !== undefined));
      const users = Promise.all([demo, registeredUsers()]).then(([first, more]) => {
        const ids = new Set(first.map((u) => u.id));
        return [...first, ...more.filter((u) => !ids.has(u.id))];
      });
      users.catch(() => (cached = undefined));
      cached = { at: Date.now(), users };
    }
    return cached.users;
  };
}

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
