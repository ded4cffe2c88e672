import { Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { z } from 'zod';
import { bearerChallenge } from '../../shared/auth/verify-token';
import { problemType } from '../../shared/http/problem';
import type { RouteSpec } from '../../shared/http/route';
import type { InfraConfig } from '../config';
import { acknowledge } from './nag';

export interface ApiProps {
  config: InfraConfig;
  routes: readonly RouteSpec[];
  /** The function serving a route (its group's function). */
  functionFor(route: RouteSpec): lambda.IFunction;
  authorizer: lambda.IFunction;
  logsKey: kms.IKey;
  logRetention: logs.RetentionDays;
  /** Value of the web plan's API key (infra/functions/usage-keys.ts). */
  webUsageKeyValue: string;
  /** The value CloudFront sends in ORIGIN_VERIFY_HEADER; the regional WAF refuses requests without it. */
  originSecret: string;
}

/** Header CloudFront adds to every request to the API origin; a request straight to execute-api lacks it. */
export const ORIGIN_VERIFY_HEADER = 'x-fj-origin-verify';

/** AWS managed rule groups, from the given priority on (the regional and the edge web ACL use the same). */
export function managedRules(first: number): wafv2.CfnWebACL.RuleProperty[] {
  const managed = (name: string, priority: number, overrides: string[] = []): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(overrides.length ? { ruleActionOverrides: overrides.map((o) => ({ name: o, actionToUse: { count: {} } })) } : {}),
      },
    },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: false },
  });
  return [
    managed('AWSManagedRulesAmazonIpReputationList', first),
    // Journal notes may exceed the common rule set's 8 KB body limit; API Gateway caps bodies itself.
    managed('AWSManagedRulesCommonRuleSet', first + 1, ['SizeRestrictions_BODY']),
    managed('AWSManagedRulesKnownBadInputsRuleSet', first + 2),
  ];
}

/** A gateway-made error, as problem+json (RFC 9457) like every error the handlers make. */
interface GatewayProblem {
  type: apigw.ResponseType;
  status?: number;
  kind: string;
  title: string;
  headers?: Record<string, string>;
  errors?: { field: string; message: string }[];
}

const GATEWAY_PROBLEMS: GatewayProblem[] = [
  // Unknown path or method: REST APIs say "Missing Authentication Token" (403) here; it is a 404.
  { type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, kind: 'not-found', title: 'Finnes ikke' },
  { type: apigw.ResponseType.RESOURCE_NOT_FOUND, status: 404, kind: 'not-found', title: 'Finnes ikke' },
  // RFC 6750 challenges as the handlers and the local gateway send them (bearerChallenge). API
  // Gateway's UNAUTHORIZED covers both a missing header and a token the authorizer refused, and a
  // static header cannot tell them apart: it names the realm only; an expired token is invalid_token.
  { type: apigw.ResponseType.UNAUTHORIZED, status: 401, kind: 'unauthenticated', title: 'Ikke innlogget', headers: { 'WWW-Authenticate': bearerChallenge(undefined) } },
  { type: apigw.ResponseType.EXPIRED_TOKEN, status: 401, kind: 'unauthenticated', title: 'Ikke innlogget', headers: { 'WWW-Authenticate': bearerChallenge('Bearer <a presented token>') } },
  { type: apigw.ResponseType.ACCESS_DENIED, status: 403, kind: 'forbidden', title: 'Ingen tilgang' },
  { type: apigw.ResponseType.INVALID_API_KEY, status: 403, kind: 'forbidden', title: 'Ingen tilgang' },
  { type: apigw.ResponseType.WAF_FILTERED, status: 403, kind: 'forbidden', title: 'Ingen tilgang' },
  {
    type: apigw.ResponseType.BAD_REQUEST_BODY,
    status: 400,
    kind: 'validation',
    title: 'Ugyldig forespørsel',
    errors: [{ field: 'body', message: 'Innholdet må være et JSON-objekt av riktig type' }],
  },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, status: 400, kind: 'validation', title: 'Ugyldig forespørsel' },
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, status: 413, kind: 'payload-too-large', title: 'Forespørselen er for stor' },
  { type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, kind: 'unsupported-media-type', title: 'Ukjent innholdstype' },
  // A static response cannot know the caller's plan: it says the bucket is empty now and refills
  // within a second (API Gateway's buckets refill per second); the local gateway adds the policy.
  { type: apigw.ResponseType.THROTTLED, status: 429, kind: 'too-many-requests', title: 'For mange forespørsler', headers: { 'Retry-After': '1', RateLimit: '"usage-plan";r=0;t=1' } },
  { type: apigw.ResponseType.QUOTA_EXCEEDED, status: 429, kind: 'too-many-requests', title: 'Kvoten er brukt opp' },
  { type: apigw.ResponseType.AUTHORIZER_FAILURE, status: 500, kind: 'internal', title: 'Intern feil' },
  { type: apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, status: 500, kind: 'internal', title: 'Intern feil' },
  { type: apigw.ResponseType.API_CONFIGURATION_ERROR, status: 500, kind: 'internal', title: 'Intern feil' },
  { type: apigw.ResponseType.INTEGRATION_FAILURE, status: 502, kind: 'internal', title: 'Intern feil' },
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, status: 504, kind: 'internal', title: 'Tidsavbrudd' },
  // Everything else keeps API Gateway's status code, in the same format.
  { type: apigw.ResponseType.DEFAULT_4XX, kind: 'gateway', title: 'Forespørselen ble avvist' },
  { type: apigw.ResponseType.DEFAULT_5XX, kind: 'internal', title: 'Intern feil' },
];

export const PROBLEM_JSON = 'application/problem+json';

/**
 * Body of a gateway response. Gateway response templates are not VTL: only `$context` values are
 * substituted. `$context.error.messageString` is already a quoted JSON string; `requestId` has no
 * characters that need escaping.
 */
export function gatewayProblemBody(p: GatewayProblem): string {
  const type = p.kind === 'internal' || p.kind === 'gateway' || p.kind === 'payload-too-large' ? `urn:fellesjournal:problem:${p.kind}` : problemType(p.kind as Parameters<typeof problemType>[0]);
  const members = [
    `"type":${JSON.stringify(type)}`,
    `"title":${JSON.stringify(p.title)}`,
    ...(p.status ? [`"status":${p.status}`] : []),
    `"detail":$context.error.messageString`,
    `"requestId":"$context.requestId"`,
    ...(p.errors ? [`"errors":${JSON.stringify(p.errors)}`] : []),
  ];
  return `{${members.join(',')}}`;
}

/** The JSON type of a route's body (object or array) from its zod schema, for the gateway's envelope check. */
export function bodyJsonType(route: RouteSpec): 'object' | 'array' | undefined {
  if (!route.body) return undefined;
  try {
    const type = (z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) as { type?: unknown }).type;
    return type === 'object' || type === 'array' ? type : undefined;
  } catch {
    return undefined;
  }
}

/** Path parameter names of an API Gateway path template. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]!);
}

/**
 * The route API: every route of the route table but /fhir's (the FHIR API, infra/stacks/fhir-api-stack.ts,
 * has them), an OIDC Lambda authorizer, usage plans (which meter the FHIR API's stage too), access
 * and execution logs, X-Ray, a regional WAF web ACL (on both APIs), and problem+json for API
 * Gateway's own errors.
 */
export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  readonly webPlan: apigw.UsagePlan;
  readonly vendorPlans: Record<string, apigw.UsagePlan>;
  readonly tenantPlans: Record<string, apigw.UsagePlan>;
  readonly webAcl: wafv2.CfnWebACL;
  readonly accessLogs: logs.LogGroup;
  readonly wafLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;
    const { region, account } = Stack.of(this);
    const stageName = config.stage;

    // Retained log groups get no fixed name (a retry of a rolled-back first deploy would collide).
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `fellesjournal-${stageName}`,
      description: 'Fellesjournal API (routes from functions/routes.ts)',
      ...restApiSettings(config, this.accessLogs),
      cloudWatchRole: config.api.manageCloudWatchRole,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
    });
    const api = this.restApi;

    addRouteMethods(this, api, props);
    acknowledgeRestApi(api);

    for (const p of GATEWAY_PROBLEMS) {
      addGatewayResponse(api, `Problem${p.type.responseType}`, { type: p.type, status: p.status, contentType: PROBLEM_JSON, headers: p.headers, body: gatewayProblemBody(p) });
    }

    const apiStages = [{ api, stage: api.deploymentStage }];
    this.webPlan = api.addUsagePlan('WebPlan', {
      name: `fj-${stageName}-web`,
      description: 'Persons using the web client (one shared key, picked by the authorizer)',
      throttle: { rateLimit: config.api.webPlan.rateLimit, burstLimit: config.api.webPlan.burstLimit },
      ...(config.api.webPlan.quota ? { quota: { limit: config.api.webPlan.quota.limit, period: apigw.Period[config.api.webPlan.quota.period] } } : {}),
      apiStages,
    });
    const webKey = new apigw.ApiKey(this, 'WebUsageKey', {
      apiKeyName: `fj-${stageName}-web`,
      description: 'Usage identifier of the web plan; never accepted from a request (key source AUTHORIZER)',
      value: props.webUsageKeyValue,
      enabled: true,
    });
    this.webPlan.addApiKey(webKey);
    this.vendorPlans = {};
    for (const [name, plan] of Object.entries(config.api.vendorPlans)) {
      this.vendorPlans[name] = api.addUsagePlan(`VendorPlan-${name}`, {
        name: vendorPlanName(stageName, name),
        description: `Vendor clients on the "${name}" plan; keys are added by the control plane at registration`,
        throttle: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
        ...(plan.quota ? { quota: { limit: plan.quota.limit, period: apigw.Period[plan.quota.period] } } : {}),
        apiStages,
      });
    }

    // One plan per municipality size tier; the control plane puts each municipality's key in one at
    // provisioning, and the authorizer names that key for the municipality's persons.
    this.tenantPlans = {};
    for (const [tier, plan] of Object.entries(config.api.tenantPlans)) {
      this.tenantPlans[tier] = api.addUsagePlan(`TenantPlan-${tier}`, {
        name: tenantPlanName(stageName, tier),
        description: `Municipalities of size tier "${tier}", one key each (made at provisioning)`,
        throttle: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
        ...(plan.quota ? { quota: { limit: plan.quota.limit, period: apigw.Period[plan.quota.period] } } : {}),
        apiStages,
      });
    }

    // Regional WAF in front of the stage: only requests through this region's CloudFront (they carry
    // the origin secret header), then AWS managed rule groups. The per-client rate limit is at the
    // edge (infra/stacks/edge-stack.ts): here every request comes from a CloudFront edge address.
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `fellesjournal-${stageName}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      // Sampled requests would keep request details (paths, headers) in WAF's console; metrics suffice.
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `fellesjournal-${stageName}-api`, sampledRequestsEnabled: false },
      rules: [
        {
          name: 'OnlyThroughCloudFront',
          priority: 0,
          action: { block: {} },
          statement: {
            notStatement: {
              statement: {
                byteMatchStatement: {
                  fieldToMatch: { singleHeader: { Name: ORIGIN_VERIFY_HEADER } },
                  positionalConstraint: 'EXACTLY',
                  searchString: props.originSecret,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'OnlyThroughCloudFront', sampledRequestsEnabled: false },
        },
        ...managedRules(1),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // WAF logs only to groups named aws-waf-logs-*; the stack id's UUID makes the name new for each
    // stack, so a retained group left by a rolled-back first deploy does not block the retry.
    const wafLogGroupName = `aws-waf-logs-fellesjournal-${stageName}-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`;
    this.wafLogs = new logs.LogGroup(this, 'WafLogs', {
      logGroupName: wafLogGroupName,
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const wafLogging = new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [`arn:aws:logs:${region}:${account}:log-group:${wafLogGroupName}`],
      // Credentials and query strings (which may carry national ids) never reach the WAF log.
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'x-api-key' } },
        { singleHeader: { Name: 'cookie' } },
        { singleHeader: { Name: ORIGIN_VERIFY_HEADER } },
        { queryString: {} },
      ],
    });
    wafLogging.node.addDependency(this.wafLogs);
  }

  /**
   * Every usage plan meters another API's stage too (the FHIR API): a plan's throttle and quota
   * count a key's calls on all its stages together, so a municipality or vendor has one bucket.
   */
  meterStage(other: apigw.RestApi): void {
    for (const plan of [this.webPlan, ...Object.values(this.vendorPlans), ...Object.values(this.tenantPlans)]) plan.addApiStage({ api: other, stage: other.deploymentStage });
  }
}

/** The usage plan name of a municipality size tier, as the control plane finds it. */
export function tenantPlanName(stage: string, tier: string): string {
  return `fj-${stage}-tenant-${tier}`;
}

/** Name of a vendor usage plan; the control plane finds plans by this name. */
export function vendorPlanName(stage: string, plan: string): string {
  return `fj-${stage}-vendor-${plan}`;
}

/**
 * Stage and endpoint settings every REST API of a region shares (the route API and the FHIR API):
 * regional, key source AUTHORIZER, X-Ray, ERROR execution logs without data traces, the stage
 * throttle, and access logs in the given group, in one format.
 */
export function restApiSettings(config: InfraConfig, accessLogs: logs.ILogGroup): Pick<apigw.RestApiProps, 'endpointConfiguration' | 'apiKeySourceType' | 'deployOptions'> {
  return {
    endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
    // Persons carry no API key; the authorizer names the usage-plan key that meters each call.
    apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
    deployOptions: {
      stageName: config.stage,
      tracingEnabled: true,
      metricsEnabled: true,
      // Execution logs at ERROR; never data traces (they would log request and response bodies).
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      throttlingRateLimit: config.api.throttle.rateLimit,
      throttlingBurstLimit: config.api.throttle.burstLimit,
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      // Resource templates, not paths (ids stay out of the log); no query strings, no bodies.
      accessLogFormat: apigw.AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          extendedRequestId: '$context.extendedRequestId',
          time: '$context.requestTimeEpoch',
          ip: '$context.identity.sourceIp',
          userAgent: '$context.identity.userAgent',
          method: '$context.httpMethod',
          resource: '$context.resourcePath',
          protocol: '$context.protocol',
          status: '$context.status',
          responseLength: '$context.responseLength',
          latencyMs: '$context.responseLatency',
          integrationLatencyMs: '$context.integrationLatency',
          integrationStatus: '$context.integrationStatus',
          principal: '$context.authorizer.principalId',
          apiKeyId: '$context.identity.apiKeyId',
          wafResponseCode: '$context.wafResponseCode',
          errorType: '$context.error.responseType',
        }),
      ),
    },
  };
}

/**
 * The routes as methods of an API: a request validator with JSON envelope models, the OIDC
 * request authorizer (token routes also need a usage-plan key, named by the authorizer), one
 * API-scoped invoke permission per function.
 */
export function addRouteMethods(
  scope: Construct,
  api: apigw.RestApi,
  props: Pick<ApiProps, 'config' | 'routes' | 'functionFor' | 'authorizer'>,
): void {
  const validator = new apigw.RequestValidator(scope, 'Validator', {
    restApi: api,
    requestValidatorName: 'body-and-parameters',
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  // Envelope models: the body must be JSON of the route's top-level type. Field rules stay in the
  // handlers' zod validation, so a bad field gets the same problem+json field list here as locally.
  const models = {
    object: api.addModel('JsonObject', {
      contentType: 'application/json',
      modelName: 'JsonObject',
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, title: 'JsonObject', type: apigw.JsonSchemaType.OBJECT },
    }),
    array: api.addModel('JsonArray', {
      contentType: 'application/json',
      modelName: 'JsonArray',
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, title: 'JsonArray', type: apigw.JsonSchemaType.ARRAY },
    }),
  };

  const authorizer = new apigw.RequestAuthorizer(scope, 'Authorizer', {
    authorizerName: `fellesjournal-${props.config.stage}-oidc`,
    handler: props.authorizer,
    // A request without a token is refused by API Gateway itself.
    identitySources: [apigw.IdentitySource.header('Authorization')],
    // No result cache: API Gateway would key it on the token alone, so for its lifetime a vendor
    // token would pass without its x-api-key (or with another client's), and a disabled client
    // or a replaced key would keep working. The authorizer is light (no DynamoDB for persons).
    resultsCacheTtl: Duration.seconds(0),
  });

  const integrations = new Map<lambda.IFunction, apigw.LambdaIntegration>();
  for (const route of props.routes) {
    const fn = props.functionFor(route);
    let integration = integrations.get(fn);
    if (!integration) {
      // One API-scoped invoke permission per function instead of one per method.
      integration = new apigw.LambdaIntegration(fn, { proxy: true, scopePermissionToMethod: false });
      integrations.set(fn, integration);
    }
    const bodyType = bodyJsonType(route);
    const method = api.root.resourceForPath(route.path).addMethod(route.method, integration, {
      operationName: route.id,
      requestValidator: validator,
      requestParameters: Object.fromEntries(pathParameters(route.path).map((p) => [`method.request.path.${p}`, true])),
      ...(bodyType ? { requestModels: { 'application/json': models[bodyType] } } : {}),
      ...(route.auth === 'token'
        ? { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM, apiKeyRequired: true }
        : { authorizationType: apigw.AuthorizationType.NONE, apiKeyRequired: false }),
    });
    if (route.auth === 'public') {
      acknowledge(
        method,
        'AwsSolutions-APIG4',
        `Public by design in the route table (${route.id}: ${route.summary}); it reads no tenant or patient data. WAF, stage throttling and access logs still apply.`,
      );
    }
  }
}

/** cdk-nag acknowledgements every REST API of a region needs, with their reasons. */
export function acknowledgeRestApi(api: apigw.RestApi): void {
  acknowledge(
    api,
    'AwsSolutions-COG4',
    'Callers are authenticated by the national OIDC issuer (HelseID for personnel and vendor clients), not Cognito: every token route uses the Lambda authorizer that verifies the JWT signature, issuer, audience and expiry, and the handler verifies it again.',
  );
  if (api.node.tryFindChild('CloudWatchRole')) {
    acknowledge(
      api.node.findChild('CloudWatchRole'),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'The account-level role API Gateway uses to write execution and access logs; AWS documents this managed policy for it, and only apigateway.amazonaws.com can assume the role.',
    );
  }
  acknowledge(
    api.deploymentStage,
    'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
    'Responses are patient data for one authorised caller; a gateway cache would serve them outside the handlers\' tenant, role and audit checks (every read must be audited before it is answered), so caching is deliberately off.',
  );
  acknowledge(
    api.deploymentStage,
    'HIPAA.Security-APIGWSSLEnabled',
    'A stage client certificate authenticates API Gateway to HTTP back ends. All integrations here are Lambda proxy integrations invoked through the AWS API with IAM, so there is no back end to present a certificate to.',
  );
}

/**
 * Headers of every gateway-made error, on both APIs. No CORS headers: the web client and vendor
 * systems call through the region's CloudFront domain (same origin for the browser), and neither
 * the handlers nor the FHIR CapabilityStatement (`cors: false`) offer cross-origin access.
 */
export const GATEWAY_ERROR_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } as const;

/** One gateway response: static headers (quoted as API Gateway wants them) and a `$context` body template. */
export function addGatewayResponse(
  api: apigw.RestApi,
  id: string,
  r: { type: apigw.ResponseType; status?: number | undefined; contentType: string; headers?: Record<string, string> | undefined; body: string },
): void {
  api.addGatewayResponse(id, {
    type: r.type,
    ...(r.status ? { statusCode: String(r.status) } : {}),
    responseHeaders: Object.fromEntries(Object.entries({ 'Content-Type': r.contentType, ...GATEWAY_ERROR_HEADERS, ...r.headers }).map(([k, v]) => [k, `'${v}'`])),
    templates: { 'application/json': r.body },
  });
}
