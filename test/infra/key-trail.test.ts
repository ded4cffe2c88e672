import { Stack, type CfnResource } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config/env-names';
import { groupRoutes } from '../../infra/route-groups';
import { ROUTES } from '../../functions/routes';
import { TENANT_ROLE_DESCRIPTION } from '../../infra/constructs/permissions';
import { tenantKeyPolicy } from '../../shared/crypto/key-policy';
import { evaluateKeyPolicy } from '../support/key-policy-eval';
import { matchesFilter } from './filter-pattern-eval';
import { evaluate, resolveIntrinsic } from './iam-eval';
import { functionId, refOf, resourcesOf, statementsOfRole, synthesize, text } from './support';

// The trail that watches key use and the alarms made from it, asked of the synthesized templates:
// every alarm's filter is run against CloudTrail events (test/infra/filter-pattern-eval.ts).
const synth = await synthesize();
const groups = groupRoutes(ROUTES);

describe.each(['eu-north-1', 'eu-west-1'])('key trail and alarms (%s)', (region) => {
  const t = synth.json[region]!;
  const stack = synth.stacks.find((s) => s.region === region)!;
  const res = (id: string) => t.Resources[id]!;
  const [trailId, trail] = resourcesOf(t, 'AWS::CloudTrail::Trail')[0]!;
  const fn = (name: string) => t.Resources[functionId(stack, name)]!;
  const roleOf = (name: string) => `<${refOf(fn(name).Properties!.Role)!}>`;
  const tenantRoleId = resourcesOf(t, 'AWS::IAM::Role').find(([, r]) => r.Properties?.Description === TENANT_ROLE_DESCRIPTION)![0];
  const exportRole = roleOf('tenants-export');
  const tenantRole = `<${tenantRoleId}>`;
  const topicId = Stack.of(stack.operations.topic).getLogicalId(stack.operations.topic.node.defaultChild as CfnResource);

  /** The filter pattern feeding `metricName`, with template references as `<LogicalId>`. */
  const filter = (metricName: string) => {
    const found = resourcesOf(t, 'AWS::Logs::MetricFilter').filter(([, f]) => text(f.Properties?.MetricTransformations).includes(`"${metricName}"`));
    expect(found, metricName).toHaveLength(1);
    const [, f] = found[0]!;
    expect(refOf(f.Properties!.LogGroupName)).toBe(refOf((trail.Properties!.CloudWatchLogsLogGroupArn as { 'Fn::GetAtt': unknown[] })['Fn::GetAtt'][0]));
    return resolveIntrinsic(f.Properties!.FilterPattern);
  };
  /** The alarm on `metricName`: one breach notifies the operations topic. */
  const alarmOn = (metricName: string) => {
    const found = resourcesOf(t, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties?.MetricName === metricName);
    expect(found, metricName).toHaveLength(1);
    const p = found[0]![1].Properties!;
    expect(p).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Sum' });
    expect(p.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(p.OKActions).toEqual([{ Ref: topicId }]);
    // And it is on the region's operations dashboard.
    const alarmId = found[0]![0];
    expect(resourcesOf(t, 'AWS::CloudWatch::Dashboard').some(([, d]) => text(d.Properties?.DashboardBody).includes(`"${alarmId}"`)), metricName).toBe(true);
    return p;
  };

  const kmsEvent = (eventName: string, identity: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    eventVersion: '1.08',
    eventSource: 'kms.amazonaws.com',
    eventName,
    awsRegion: region,
    userIdentity: identity,
    requestParameters: { encryptionContext: { tenant: '0301' }, keyId: 'alias/fellesjournal/tenant/0301' },
    ...extra,
  });
  const session = (roleArn: string) => ({ type: 'AssumedRole', sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn } } });
  const admin = session('arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-north-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef');

  it('one trail: its own KMS key (rotated), log file validation, multi-region with IAM\'s global events, read and write events, to CloudWatch Logs', () => {
    expect(resourcesOf(t, 'AWS::CloudTrail::Trail')).toHaveLength(1);
    expect(trail.Properties).toMatchObject({
      EnableLogFileValidation: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      IsLogging: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
    const keyId = refOf(trail.Properties!.KMSKeyId)!;
    expect(res(keyId).Type).toBe('AWS::KMS::Key');
    expect(res(keyId).Properties).toMatchObject({ EnableKeyRotation: true });
    // Its own key: no other resource of the stack is encrypted with it but the trail's bucket.
    const users = Object.entries(t.Resources).filter(([id, r]) => id !== trailId && text(r.Properties).includes(`"${keyId}"`)).map(([, r]) => r.Type);
    expect(users.sort()).toEqual(['AWS::KMS::Alias', 'AWS::S3::Bucket']);
    // CloudTrail may encrypt with it for this trail only.
    const statements = (res(keyId).Properties!.KeyPolicy as { Statement: { Principal?: { Service?: string }; Action: string | string[]; Condition?: unknown }[] }).Statement;
    const forTrail = statements.filter((s) => s.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(forTrail.length).toBeGreaterThan(0);
    for (const s of forTrail) {
      expect(text(s.Condition), text(s)).toContain('aws:SourceArn');
      expect(text(s.Condition)).toContain(`trail/fellesjournal-test-${region}`);
      expect([s.Action].flat().every((a) => a === 'kms:GenerateDataKey*' || a === 'kms:DescribeKey')).toBe(true);
    }
    const logGroup = res(refOf((trail.Properties!.CloudWatchLogsLogGroupArn as { 'Fn::GetAtt': unknown[] })['Fn::GetAtt'][0])!);
    expect(logGroup.Properties?.KmsKeyId).toBeDefined();
    expect(logGroup.Properties?.RetentionInDays).toBeGreaterThanOrEqual(365);
  });

  it('the trail bucket: private, KMS-encrypted with the trail key, versioned, access-logged, retained, TLS only', () => {
    const bucketId = refOf(trail.Properties!.S3BucketName)!;
    const bucket = res(bucketId) as { Properties: Record<string, unknown>; DeletionPolicy?: string };
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(text(bucket.Properties.BucketEncryption)).toContain('aws:kms');
    expect(text(bucket.Properties.BucketEncryption)).toContain(refOf(trail.Properties!.KMSKeyId)!);
    expect(bucket.Properties.LoggingConfiguration).toBeDefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    const policy = resourcesOf(t, 'AWS::S3::BucketPolicy').find(([, p]) => refOf(p.Properties?.Bucket) === bucketId)![1];
    expect(text(policy.Properties!.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('alarms when anyone but the application roles uses a key directly (allowed or refused)', () => {
    const pattern = filter('KeyUseOutsideApplication');
    alarmOn('KeyUseOutsideApplication');
    for (const name of ['Decrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'Encrypt', 'ReEncrypt']) {
      expect(matchesFilter(pattern, kmsEvent(name, admin)), `admin ${name}`).toBe(true);
    }
    // Refused attempts count too, and so do the root user and IAM users (no session issuer).
    expect(matchesFilter(pattern, kmsEvent('Decrypt', admin, { errorCode: 'AccessDeniedException' }))).toBe(true);
    expect(matchesFilter(pattern, kmsEvent('Decrypt', { type: 'Root', arn: 'arn:aws:iam::111111111111:root' }))).toBe(true);
    expect(matchesFilter(pattern, kmsEvent('GenerateDataKey', { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/ola' }))).toBe(true);
    // Another of the application's own function roles has no business with key material either.
    expect(matchesFilter(pattern, kmsEvent('Decrypt', session(roleOf('journal'))))).toBe(true);
    // The application roles themselves, and AWS services using keys on a caller's behalf, do not alarm.
    expect(matchesFilter(pattern, kmsEvent('GenerateDataKey', session(tenantRole)))).toBe(false);
    expect(matchesFilter(pattern, kmsEvent('Decrypt', session(tenantRole)))).toBe(false);
    expect(matchesFilter(pattern, kmsEvent('Decrypt', session(exportRole)))).toBe(false);
    expect(matchesFilter(pattern, kmsEvent('Decrypt', { ...session(roleOf('journal')), invokedBy: 'dynamodb.amazonaws.com' }))).toBe(false);
    expect(matchesFilter(pattern, kmsEvent('GenerateDataKey', { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' }))).toBe(false);
    // Other key calls are not key use; another region's keys are that region's stack's alarm.
    expect(matchesFilter(pattern, kmsEvent('DescribeKey', admin))).toBe(false);
    expect(matchesFilter(pattern, kmsEvent('GenerateMac', session(roleOf('journal'))))).toBe(false);
    expect(matchesFilter(pattern, { ...kmsEvent('Decrypt', admin), awsRegion: region === 'eu-north-1' ? 'eu-west-1' : 'eu-north-1' })).toBe(false);
  });

  it.each([
    ['KmsDisableKey', 'DisableKey'],
    ['KmsScheduleKeyDeletion', 'ScheduleKeyDeletion'],
    ['KmsPutKeyPolicy', 'PutKeyPolicy'],
  ])('%s: alarms on %s by anyone, the offboarding flow included', (metric, eventName) => {
    const pattern = filter(metric);
    alarmOn(metric);
    for (const who of [admin, session(exportRole), session(tenantRole)]) expect(matchesFilter(pattern, kmsEvent(eventName, who))).toBe(true);
    expect(matchesFilter(pattern, kmsEvent(eventName, admin, { errorCode: 'AccessDeniedException' }))).toBe(true);
    for (const other of ['EnableKey', 'DescribeKey', 'Decrypt', 'CancelKeyDeletion']) expect(matchesFilter(pattern, kmsEvent(other, admin)), other).toBe(false);
  });

  it('alarms on IAM changes to the tenant role and to the managed policy that gives it its rights', () => {
    const pattern = filter('TenantRoleChanged');
    alarmOn('TenantRoleChanged');
    const policyId = resourcesOf(t, 'AWS::IAM::ManagedPolicy').find(([, p]) => (p.Properties?.Roles as { Ref?: string }[] | undefined)?.some((r) => r.Ref === tenantRoleId))![0];
    const iamEvent = (eventName: string, requestParameters: Record<string, unknown>) => ({ eventSource: 'iam.amazonaws.com', eventName, awsRegion: 'us-east-1', userIdentity: admin, requestParameters });
    const roleName = `<${tenantRoleId}>`;
    for (const eventName of ['PutRolePolicy', 'AttachRolePolicy', 'DetachRolePolicy', 'DeleteRolePolicy', 'UpdateAssumeRolePolicy', 'PutRolePermissionsBoundary', 'DeleteRole', 'UntagRole']) {
      expect(matchesFilter(pattern, iamEvent(eventName, { roleName })), eventName).toBe(true);
      expect(matchesFilter(pattern, iamEvent(eventName, { roleName: 'some-other-role' })), eventName).toBe(false);
    }
    for (const eventName of ['CreatePolicyVersion', 'SetDefaultPolicyVersion']) {
      expect(matchesFilter(pattern, iamEvent(eventName, { policyArn: `<${policyId}>` })), eventName).toBe(true);
      expect(matchesFilter(pattern, iamEvent(eventName, { policyArn: 'arn:aws:iam::111111111111:policy/other' })), eventName).toBe(false);
    }
    expect(matchesFilter(pattern, iamEvent('GetRole', { roleName }))).toBe(false);
  });

  it('the control plane gets the roles a new tenant key\'s policy names; it never gets the tenant role to assume', () => {
    const operators = groups.filter((g) => g.plane === 'operator').map((g) => g.name);
    expect(operators.length).toBeGreaterThan(0);
    for (const name of operators) {
      const env = (fn(name).Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env[ENV.keyPolicyTenantRoleArn]).toEqual({ 'Fn::GetAtt': [tenantRoleId, 'Arn'] });
      expect(`<${refOf(env[ENV.keyPolicyExportRoleArn])}>`).toBe(exportRole);
      // Offboarding (export plane: offboard and the later key destruction) is the role that may delete keys.
      expect(`<${refOf(env[ENV.keyPolicyOffboardingRoleArn])}>`).toBe(exportRole);
      expect(env[ENV.tenantRoleArn]).toBeUndefined();
    }
    expect(groups.find((g) => g.name === 'tenants-export')!.routes.map((r) => r.id)).toContain('opsDestroyDueKeys');
  });
});

describe('tenant keys: the policy the control plane writes, with the synthesized roles and their IAM policies', () => {
  const t = synth.json['eu-north-1']!;
  const ACCOUNT = '111111111111';
  const fnRole = (name: string) => refOf(t.Resources[functionId(synth.stacks[0]!, name)]!.Properties!.Role)!;
  const operator = groups.find((g) => g.plane === 'operator')!.name;
  const env = (t.Resources[functionId(synth.stacks[0]!, operator)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
  // The role ARNs as the control plane reads them from its environment (logical ids stand in for names).
  const arnOf = (value: unknown) => `arn:aws:iam::${ACCOUNT}:role/${refOf(value)!}`;
  const policy = tenantKeyPolicy('0301', {
    tenantRoleArn: arnOf(env[ENV.keyPolicyTenantRoleArn]),
    exportRoleArn: arnOf(env[ENV.keyPolicyExportRoleArn]),
    offboardingRoleArn: arnOf(env[ENV.keyPolicyOffboardingRoleArn]),
  });
  const tenantRoleId = resourcesOf(t, 'AWS::IAM::Role').find(([, r]) => r.Properties?.Description === TENANT_ROLE_DESCRIPTION)![0];
  const roles: [string, string][] = [
    ...[...groups.map((g) => g.name), 'authorizer', 'audit-outbox', 'audit-anchor'].map((n) => [n, fnRole(n)] as [string, string]),
    ['tenant role', tenantRoleId],
  ];
  const key = `arn:aws:kms:eu-north-1:${ACCOUNT}:key/0f0f0f0f-1111-2222-3333-444444444444`;

  /** KMS's decision for a role of the stack: its key policy and its own IAM policies together. */
  const kms = (roleId: string, action: string) => {
    const context = { 'aws:ResourceTag/tenant': '0301', 'kms:EncryptionContext:tenant': '0301' };
    const principalTags = { tenant: '0301' };
    const iam = evaluate(statementsOfRole(t, roleId), { action, resource: key, context, principalTags });
    return evaluateKeyPolicy(policy, {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${roleId}`,
      action,
      context,
      principalTags,
      iam: iam === 'implicit-deny' ? [] : [{ Effect: iam === 'allow' ? 'Allow' : 'Deny', Action: action }],
    });
  };
  const allowedFor = (action: string) => roles.filter(([, id]) => kms(id, action) === 'allow').map(([name]) => name);

  it('of all the stack\'s roles, only the tenant role seals, the tenant role and the offboarding function open, only offboarding schedules deletion', () => {
    expect(allowedFor('kms:GenerateDataKey')).toEqual(['tenant role']);
    expect(allowedFor('kms:Decrypt').sort()).toEqual(['tenant role', 'tenants-export'].sort());
    expect(allowedFor('kms:ScheduleKeyDeletion')).toEqual(['tenants-export']);
    for (const action of ['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:CreateGrant', 'kms:PutKeyPolicy']) expect(allowedFor(action), action).toEqual([]);
  });

  it('the operator functions keep what provisioning needs on the new key (through the administrators\' delegation to IAM)', () => {
    const operators = groups.filter((g) => g.plane === 'operator').map((g) => fnRole(g.name));
    for (const id of operators) {
      for (const action of ['kms:DescribeKey', 'kms:EnableKeyRotation', 'kms:CreateAlias']) expect(kms(id, action), action).toBe('allow');
      expect(kms(id, 'kms:ScheduleKeyDeletion')).toBe('explicit-deny');
    }
  });
});

describe('tenant keys without a DR region (the test config has none)', () => {
  it('are not replicated: the operator functions are not told a replica region and may not replicate', () => {
    const t = synth.json['eu-north-1']!;
    const operator = groups.find((g) => g.plane === 'operator')!.name;
    const fn = t.Resources[functionId(synth.stacks[0]!, operator)]!;
    expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables[ENV.keyReplicaRegion]).toBeUndefined();
    const statements = statementsOfRole(t, refOf(fn.Properties!.Role)!);
    expect(evaluate(statements, { action: 'kms:ReplicateKey', resource: 'arn:aws:kms:eu-north-1:111111111111:key/mrk-1', context: { 'aws:ResourceTag/tenant': '4601', 'kms:ReplicaRegion': 'eu-west-1' } })).toBe('implicit-deny');
  });
});
