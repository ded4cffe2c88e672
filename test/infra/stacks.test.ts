import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { buildApp, prepareBundles, stackName } from '../../infra/app-builder';
import { loadInfraConfig, parseInfraConfig } from '../../infra/config';
import { bundleRoutes, ESBUILD_OPTIONS, REPO_ROOT, runnableCopy } from '../../infra/constructs/bundling';
import { ServiceFunction } from '../../infra/constructs/service-function';
import { constructId, groupRoutes, planeOf } from '../../infra/route-groups';
import { ENV } from '../../shared/config/env-names';
import { TABLES, tableName } from '../../shared/db/tables';
import { crashRoute, echoRoute } from '../fixtures/echo-route';
import { refOf, resourcesOf, synthesize, TEST_CONFIG, text } from './support';

const synth = await synthesize();
const north = synth.json['eu-north-1']!;
const west = synth.json['eu-west-1']!;
const groups = groupRoutes(ROUTES);

describe('config', () => {
  it('the shipped default config is valid', () => {
    const config = loadInfraConfig(resolve(REPO_ROOT, 'infra/environments/default.json'));
    expect(config.regions.length).toBeGreaterThan(0);
  });

  it('names every bad field at once', () => {
    const bad = {
      stage: 'Prod!',
      account: '12',
      regions: [{ region: 'eu-north-1', domainName: 'x.example.no' }, { region: 'eu-north-1' }],
      oidc: { issuer: 'http://plain.example', jwksUrl: 'https://x.example/jwks', webClientId: 'web' },
    };
    let message = '';
    try {
      parseInfraConfig(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const field of ['stage', 'account', 'oidc.issuer']) expect(message).toContain(field);
    expect(message).toMatch(/domainName and certificateArn go together|listed twice/);
  });
});

describe('one isolated stack per region', () => {
  it('makes one stack per configured region, pinned to the account and region', () => {
    expect(synth.stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      [stackName(TEST_CONFIG, 'eu-north-1'), '111111111111', 'eu-north-1'],
      [stackName(TEST_CONFIG, 'eu-west-1'), '111111111111', 'eu-west-1'],
    ]);
  });

  it('adding a region is a config change', async () => {
    const config = parseInfraConfig({ ...TEST_CONFIG, regions: [...TEST_CONFIG.regions, { region: 'eu-central-1' }] });
    const { stacks } = await buildApp(config, { nag: false, outdir: mkdtempSync(join(tmpdir(), 'fj-cdk-')) });
    expect(stacks.map((s) => s.region)).toEqual(['eu-north-1', 'eu-west-1', 'eu-central-1']);
  });

  it('no stack references another: no imports, no exports, no other region in any ARN', () => {
    for (const [region, template] of Object.entries(synth.json)) {
      const body = text(template);
      expect(body).not.toContain('Fn::ImportValue');
      for (const output of Object.values(template.Outputs ?? {})) expect(output).not.toHaveProperty('Export');
      for (const other of TEST_CONFIG.regions.map((r) => r.region).filter((r) => r !== region)) expect(body).not.toContain(other);
    }
  });

  it('each region has its own complete set: tables, keys, functions, API, distribution, alarms', () => {
    for (const template of [north, west]) {
      const count = (type: string) => resourcesOf(template, type).length;
      expect(count('AWS::DynamoDB::Table')).toBe(TABLES.length);
      expect(count('AWS::KMS::Key')).toBe(5);
      expect(count('AWS::Lambda::Function')).toBeGreaterThan(groups.length);
      expect(count('AWS::ApiGateway::RestApi')).toBe(1);
      expect(count('AWS::CloudFront::Distribution')).toBe(1);
      expect(count('AWS::CloudWatch::Alarm')).toBeGreaterThan(5);
      expect(count('AWS::CloudWatch::Dashboard')).toBe(1);
    }
  });
});

describe('DynamoDB tables (shared/db/tables.ts)', () => {
  const tables = resourcesOf(north, 'AWS::DynamoDB::Table');

  it.each(TABLES.map((t) => [t.id, t] as const))('%s: on demand, PITR, deletion protection, CMK, retained', (_id, def) => {
    const entry = tables.find(([, r]) => r.Properties?.TableName === tableName('test', def.id));
    expect(entry).toBeDefined();
    const [, table] = entry!;
    const p = table.Properties!;
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toMatchObject({ PointInTimeRecoveryEnabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect((table as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    expect((table as { UpdateReplacePolicy?: string }).UpdateReplacePolicy).toBe('Retain');
    // Encrypted with a customer-managed key of this stack that rotates.
    expect(p.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    const keyId = refOf((p.SSESpecification as { KMSMasterKeyId: unknown }).KMSMasterKeyId)!;
    expect(north.Resources[keyId]?.Type).toBe('AWS::KMS::Key');
    expect(north.Resources[keyId]?.Properties?.EnableKeyRotation).toBe(true);
    // TTL exactly where the definition has one.
    if (def.ttlAttribute) expect(p.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
    else expect(p.TimeToLiveSpecification).toBeUndefined();
    // Keys and indexes as defined for the local runtime.
    expect(p.KeySchema).toEqual([
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ]);
    const gsis = (p.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[];
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(def.indexes.map((i) => i.name).sort());
  });

  it('the table key is usable only through DynamoDB of this account', () => {
    const keyId = refOf((tables[0]![1].Properties!.SSESpecification as { KMSMasterKeyId: unknown }).KMSMasterKeyId)!;
    const policy = north.Resources[keyId]!.Properties!.KeyPolicy as { Statement: { Sid?: string; Principal: unknown; Condition?: unknown }[] };
    const wide = policy.Statement.filter((s) => text(s.Principal).includes('"*"'));
    expect(wide).toHaveLength(1);
    expect(wide[0]!.Condition).toEqual({ StringEquals: { 'kms:CallerAccount': '111111111111', 'kms:ViaService': 'dynamodb.eu-north-1.amazonaws.com' } });
  });

  it('every table is in a backup plan whose vault survives the stack', () => {
    const [, selection] = resourcesOf(north, 'AWS::Backup::BackupSelection')[0]!;
    const selected = text(selection.Properties);
    for (const [id] of tables) expect(selected).toContain(id);
    const [, vault] = resourcesOf(north, 'AWS::Backup::BackupVault')[0]!;
    expect((vault as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
  });
});

describe('functions', () => {
  const functions = resourcesOf(north, 'AWS::Lambda::Function');
  const byName = (name: string) => functions.find(([, f]) => f.Properties?.FunctionName === `fj-test-${name}`);

  it('one function per service and plane of the route table, plus the authorizer', () => {
    for (const g of groups) expect(byName(g.name), g.name).toBeDefined();
    expect(byName('authorizer')).toBeDefined();
  });

  it.each([...groups.map((g) => [g.name, g.service] as const), ['authorizer', 'authorizer'] as const])(
    '%s: nodejs22.x on arm64, X-Ray, reserved concurrency, Powertools, JSON logs in its own encrypted group',
    (name, service) => {
      const [, fn] = byName(name)!;
      const p = fn.Properties!;
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Handler).toBe('index.handler');
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.ReservedConcurrentExecutions).toBeGreaterThan(0);
      const env = (p.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({ POWERTOOLS_SERVICE_NAME: service, POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_NAMESPACE: 'Fellesjournal' });
      const logging = p.LoggingConfig as { LogFormat: string; LogGroup: unknown };
      expect(logging.LogFormat).toBe('JSON');
      const group = north.Resources[refOf(logging.LogGroup)!]!;
      expect(group.Type).toBe('AWS::Logs::LogGroup');
      expect(group.Properties?.KmsKeyId).toBeDefined();
      expect(group.Properties?.RetentionInDays).toBe(TEST_CONFIG.logRetentionDays);
      // Invoked synchronously by API Gateway: no dead-letter queue to fill.
      expect(p.DeadLetterConfig).toBeUndefined();
    },
  );

  it('service functions get the runtime configuration by the names in shared/config/env-names.ts', () => {
    for (const g of groups) {
      const env = (byName(g.name)![1].Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const name of [ENV.stage, ENV.tableJournal, ENV.tableAudit, ENV.tableControl, ENV.tableSharing, ENV.oidcIssuer, ENV.oidcJwksUrl, ENV.auditSigningKeyId, ENV.lookupKeyId]) {
        expect(env[name], `${g.name} ${name}`).toBeDefined();
      }
      expect(env).toMatchObject({ [ENV.runtime]: 'aws', [ENV.keyProvider]: 'kms', [ENV.tenantKeyAliasPrefix]: 'alias/fellesjournal/tenant/' });
      // Only the data plane acts through the tenant-scoped role.
      expect(env[ENV.tenantRoleArn] !== undefined, g.name).toBe(g.plane === 'data');
    }
  });

  it('the audit signing key signs with P-256 and the lookup key is an HMAC key', () => {
    const env = (byName(groups[0]!.name)![1].Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(north.Resources[refOf(env[ENV.auditSigningKeyId])!]!.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(north.Resources[refOf(env[ENV.lookupKeyId])!]!.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  });

  it('an asynchronously invoked function gets an encrypted dead-letter queue it may write to', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Scratch', { env: { account: '111111111111', region: 'eu-north-1' } });
    const dir = mkdtempSync(join(tmpdir(), 'fj-fn-'));
    writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => {};');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ServiceFunction(stack, 'Job', {
      stage: 'test',
      name: 'job',
      service: 'job',
      description: 'async job',
      bundleDir: dir,
      settings: { memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: 1 },
      environment: {},
      logLevel: 'INFO',
      metricsNamespace: 'Fellesjournal',
      logsKey: key,
      logRetention: logs.RetentionDays.TWO_YEARS,
      statements: [],
      asyncInvocation: { queueKey: key },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: Match.anyValue() } });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DeadLetters', Action: 'sqs:SendMessage' })]) },
    });
  });
});

describe('route table to functions', () => {
  it('every route is a method of the API, integrated with its group\'s function', () => {
    const methods = resourcesOf(north, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(ROUTES.length);
    const fnIdOf = (name: string) => resourcesOf(north, 'AWS::Lambda::Function').find(([, f]) => f.Properties?.FunctionName === `fj-test-${name}`)![0];
    for (const g of groups) {
      for (const route of g.routes) {
        const method = methods.find(([, m]) => m.Properties?.OperationName === route.id);
        expect(method, route.id).toBeDefined();
        expect(method![1].Properties!.HttpMethod).toBe(route.method);
        expect(text((method![1].Properties!.Integration as { Uri: unknown }).Uri)).toContain(fnIdOf(g.name));
      }
    }
  });

  it('a new service in the route table becomes a function and methods without infra changes', async () => {
    const { stacks } = await buildApp(TEST_CONFIG, { nag: false, routes: [...ROUTES, echoRoute, crashRoute], outdir: mkdtempSync(join(tmpdir(), 'fj-cdk-')) });
    const fn = stacks[0]!.functions.test;
    expect(fn).toBeDefined();
    expect(planeOf(echoRoute)).toBe('data');
    expect(stacks[0]!.node.tryFindChild(constructId('test'))).toBe(fn);
  });

  it('the generated router dispatches on method + resource template and answers unknown ones with problem+json', async () => {
    const bundle = await bundleRoutes('router-test', [echoRoute, crashRoute]);
    const file = runnableCopy(bundle, 'router-test');
    const { handler } = (await import(pathToFileURL(file).href)) as { handler: (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult> };
    const context = { functionName: 'fj-test-test', awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
    const event = (method: string, resource: string) =>
      ({ httpMethod: method, resource, path: resource, headers: {}, requestContext: { requestId: 'req-1' }, queryStringParameters: null, pathParameters: null, body: null }) as unknown as APIGatewayProxyEvent;
    const crash = await handler(event('GET', '/v1/test-crash'), context);
    expect(crash.statusCode).toBe(500);
    expect(crash.headers?.['content-type']).toBe('application/problem+json');
    const unknown = await handler(event('GET', '/v1/nothing-here'), context);
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ status: 404, type: 'urn:fellesjournal:problem:not-found' });
    // The echo route needs a token: dispatched to its handler, which refuses without one.
    const saved = { ...process.env };
    Object.assign(process.env, {
      [ENV.tableJournal]: 'fj-t-journal',
      [ENV.tableAudit]: 'fj-t-audit',
      [ENV.tableControl]: 'fj-t-control',
      [ENV.tableSharing]: 'fj-t-sharing',
      [ENV.oidcIssuer]: 'https://issuer.example',
      [ENV.oidcJwksUrl]: 'https://issuer.example/jwks',
      [ENV.keyProvider]: 'kms',
    });
    try {
      const echo = await handler(event('POST', '/v1/test-echo/{thing}'), context);
      expect(echo.statusCode).toBe(401);
    } finally {
      process.env = saved;
    }
  });

  it('bundles keep @aws-sdk external and load lazily what the code imports lazily', async () => {
    expect(ESBUILD_OPTIONS.external).toContain('@aws-sdk/*');
    const bundles = await prepareBundles(ROUTES);
    expect(Object.keys(bundles.dirs).sort()).toEqual([...groups.map((g) => g.name), 'authorizer'].sort());
  });
});

