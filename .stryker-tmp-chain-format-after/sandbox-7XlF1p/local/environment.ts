// @ts-nocheck
import { ENV } from '../shared/config/env-names';
import { resetConfigForTests } from '../shared/config';
import { tableName } from '../shared/db/tables';
import { LOCAL_AUDIENCE } from './token-issuer';

export interface LocalEnvironment {
  stage: string;
  dynamoEndpoint: string;
  issuer: string;
  keystoreDir: string;
  region?: string;
}

/** Points this process's config at the local runtime: DynamoDB Local, the keystore, the local issuer. */
export function applyLocalEnvironment(env: LocalEnvironment): void {
  const set = (name: string, value: string) => {
    process.env[name] = value;
  };
  set(ENV.stage, env.stage);
  set(ENV.runtime, 'local');
  set(ENV.region, env.region ?? 'eu-north-1');
  set(ENV.tableJournal, tableName(env.stage, 'journal'));
  set(ENV.tableAudit, tableName(env.stage, 'audit'));
  set(ENV.tableControl, tableName(env.stage, 'control'));
  set(ENV.tableSharing, tableName(env.stage, 'sharing'));
  set(ENV.oidcIssuer, env.issuer);
  set(ENV.oidcJwksUrl, `${env.issuer}/jwks.json`);
  set(ENV.oidcAudience, LOCAL_AUDIENCE);
  set(ENV.keyProvider, 'local');
  set(ENV.keystoreDir, env.keystoreDir);
  set(ENV.dynamoEndpoint, env.dynamoEndpoint);
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  // Node 20 is the machines' runtime until they move to 22; Lambda runs nodejs22.x.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Powertools: no EMF metric blobs or X-Ray segments on a developer's terminal.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  resetConfigForTests();
}
