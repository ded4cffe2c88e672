import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { allowedMethods } from '../../infra/constructs/fhir-not-found';
import { isFhirRoute } from '../../infra/stacks/fhir-api-stack';
import { bearerChallenge } from '../../shared/auth/verify-token';
import { expectValidFhir } from '../support/fhir-validate';
import { refOf, resourcesOf, synthesize, text } from './support';

// The FHIR R4 API as a REST API of its own (infra/stacks/fhir-api-stack.ts), so that API Gateway's
// own errors under /fhir are OperationOutcomes while /v1 keeps problem+json. Asked of the
// synthesized templates (cdk-nag ran: a finding would have thrown).
const synth = await synthesize();
const north = synth.json['eu-north-1']!;
const R = north.Resources;
type Props = Record<string, unknown>;
const apiNamed = (name: string) => resourcesOf(north, 'AWS::ApiGateway::RestApi').find(([, r]) => r.Properties?.Name === name)![0];
const fhirApiId = apiNamed('fellesjournal-test-fhir');
const mainApiId = apiNamed('fellesjournal-test');
const ofApi = (type: string, apiId: string) => resourcesOf(north, type).filter(([, r]) => refOf(r.Properties?.RestApiId) === apiId);
/** The one resource of a type that belongs to the API. */
const oneOf = (type: string, apiId: string): [string, Props] => {
  const all = ofApi(type, apiId);
  expect(all, type).toHaveLength(1);
  return [all[0]![0], all[0]![1].Properties!];
};
const fhirRoutes = ROUTES.filter(isFhirRoute);

/** A gateway response body as API Gateway sends it: `$context` values substituted with sample strings. */
function substituted(template: string): string {
  return template
    .replaceAll('$context.error.messageString', JSON.stringify('Too Many "Requests"'))
    .replace(/\$context\.[A-Za-z.]+/g, (v) => (v === '$context.requestId' ? '8d7c6b5a-1234-4f00-9abc-0123456789ab' : 'sample'));
}

interface GatewayResponse {
  ResponseType: string;
  StatusCode?: string;
  ResponseParameters: Record<string, string>;
  ResponseTemplates: Record<string, string>;
}
const responsesOf = (apiId: string) => new Map(ofApi('AWS::ApiGateway::GatewayResponse', apiId).map(([, r]) => [String(r.Properties!.ResponseType), r.Properties as unknown as GatewayResponse]));
const fhir = responsesOf(fhirApiId);
const main = responsesOf(mainApiId);
const header = (r: GatewayResponse | undefined, name: string) => r?.ResponseParameters[`gatewayresponse.header.${name}`];

describe('the FHIR API is a REST API of its own in a nested stack', () => {
  it('lives in the FhirApi nested stack, with every /fhir route and none of the others; the route API has no /fhir method', () => {
    const nested = synth.raw['eu-north-1']!.nested.FhirApi!;
    expect(nested.Resources[fhirApiId]?.Type).toBe('AWS::ApiGateway::RestApi');
    expect(synth.raw['eu-north-1']!.parent.Resources[fhirApiId]).toBeUndefined();
    const opsOf = (apiId: string) => ofApi('AWS::ApiGateway::Method', apiId).map(([, m]) => m.Properties!.OperationName).filter(Boolean).sort();
    expect(opsOf(fhirApiId)).toEqual(fhirRoutes.map((r) => r.id).sort());
    expect(opsOf(mainApiId)).toEqual(ROUTES.filter((r) => !isFhirRoute(r)).map((r) => r.id).sort());
    expect(fhirRoutes.length).toBeGreaterThan(10);
  });

  it('its methods use the region\'s one authorizer function and require the usage-plan key the authorizer names', () => {
    const [authorizerId, authorizer] = oneOf('AWS::ApiGateway::Authorizer', fhirApiId);
    const [, mainAuthorizer] = oneOf('AWS::ApiGateway::Authorizer', mainApiId);
    expect(authorizer).toMatchObject({ Type: 'REQUEST', IdentitySource: 'method.request.header.Authorization', AuthorizerResultTtlInSeconds: 0 });
    // The same function (by its logical id) as the route API's authorizer.
    const fnIds = (p: Props) => [...text(p.AuthorizerUri).matchAll(/"(Authorizer[A-Za-z0-9]+)"/g)].map((m) => m[1]).filter((id) => R[id!]?.Type === 'AWS::Lambda::Function');
    expect(fnIds(authorizer).length).toBeGreaterThan(0);
    expect(fnIds(authorizer)).toEqual(fnIds(mainAuthorizer));
    // API Gateway may invoke it for this API (the permission is made in the nested stack).
    const permission = resourcesOf(north, 'AWS::Lambda::Permission').find(([, p]) => text(p.Properties!.SourceArn).includes(fhirApiId) && text(p.Properties!.SourceArn).includes('/authorizers/'));
    expect(permission, 'invoke permission for the FHIR API\'s authorizer').toBeDefined();
    expect(text(permission![1].Properties!.FunctionName)).toContain(fnIds(authorizer)[0]);
    expect(R[fhirApiId]!.Properties).toMatchObject({ ApiKeySourceType: 'AUTHORIZER' });
    for (const route of fhirRoutes) {
      const [, m] = ofApi('AWS::ApiGateway::Method', fhirApiId).find(([, x]) => x.Properties!.OperationName === route.id)!;
      if (route.auth === 'token') expect(m.Properties, route.id).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId }, ApiKeyRequired: true });
      else expect(m.Properties, route.id).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false });
    }
    // Every usage plan (web, vendor, municipality tiers) meters this stage, so its keys are accepted here.
    const [fhirStageId] = oneOf('AWS::ApiGateway::Stage', fhirApiId);
    const plans = resourcesOf(north, 'AWS::ApiGateway::UsagePlan');
    expect(plans.length).toBeGreaterThan(5);
    for (const [, plan] of plans) expect((plan.Properties!.ApiStages as { ApiId: unknown; Stage: unknown }[]).some((s) => refOf(s.ApiId) === fhirApiId && refOf(s.Stage) === fhirStageId), String(plan.Properties!.UsagePlanName)).toBe(true);
  });

  it('its stage logs like the route API\'s: the same access log group and format, ERROR execution logs, X-Ray, the stage throttle', () => {
    const [, f] = oneOf('AWS::ApiGateway::Stage', fhirApiId);
    const [, m] = oneOf('AWS::ApiGateway::Stage', mainApiId);
    expect(refOf((f.AccessLogSetting as Props).DestinationArn)).toBe(refOf((m.AccessLogSetting as Props).DestinationArn));
    expect((f.AccessLogSetting as Props).Format).toBe((m.AccessLogSetting as Props).Format);
    expect(f.MethodSettings).toEqual(m.MethodSettings);
    expect(f.TracingEnabled).toBe(true);
    expect(f.StageName).toBe(m.StageName);
  });

  it('the regional web ACL (origin header, managed rules) guards its stage too, and CloudFront sends /fhir and /fhir/* to it with the origin header', () => {
    const [fhirStageId] = oneOf('AWS::ApiGateway::Stage', fhirApiId);
    const [aclId] = resourcesOf(north, 'AWS::WAFv2::WebACL')[0]!;
    const assoc = resourcesOf(north, 'AWS::WAFv2::WebACLAssociation').find(([, a]) => text(a.Properties!.ResourceArn).includes(fhirStageId));
    expect(refOf(assoc?.[1].Properties!.WebACLArn)).toBe(aclId);
    for (const region of ['eu-north-1', 'eu-west-1']) {
      const template = synth.json[region]!;
      const [, dist] = resourcesOf(template, 'AWS::CloudFront::Distribution')[0]!;
      const config = dist.Properties!.DistributionConfig as { CacheBehaviors: { PathPattern: string; TargetOriginId: string }[]; Origins: { Id: string; DomainName: unknown; OriginPath: unknown; OriginCustomHeaders?: { HeaderName: string }[] }[] };
      const apiId = resourcesOf(template, 'AWS::ApiGateway::RestApi').find(([, r]) => r.Properties?.Name === 'fellesjournal-test-fhir')![0];
      const fhirBehaviors = config.CacheBehaviors.filter((b) => b.PathPattern.startsWith('/fhir'));
      expect(fhirBehaviors.map((b) => b.PathPattern).sort()).toEqual(['/fhir', '/fhir/*']);
      const origin = config.Origins.find((o) => o.Id === fhirBehaviors[0]!.TargetOriginId)!;
      expect(fhirBehaviors[1]!.TargetOriginId).toBe(origin.Id);
      expect(text(origin.DomainName), region).toContain(apiId);
      expect(origin.OriginCustomHeaders?.map((h) => h.HeaderName)).toEqual(['x-fj-origin-verify']);
      // Nothing else goes there.
      for (const b of config.CacheBehaviors.filter((x) => !x.PathPattern.startsWith('/fhir'))) expect(b.TargetOriginId).not.toBe(origin.Id);
    }
  });
});

describe('the region stack names the FHIR API\'s stage URL beside the route API\'s', () => {
  it('FhirApiUrl is the FHIR API\'s stage URL, built as ApiUrl is for the route API', () => {
    // The region stack's own outputs, the nested FHIR stack's outputs it reads resolved to their values.
    const outputs = north.Outputs as Record<string, { Value: unknown } | undefined>;
    expect(outputs.FhirApiUrl, 'FhirApiUrl output').toBeDefined();
    const [fhirStageId] = oneOf('AWS::ApiGateway::Stage', fhirApiId);
    const [mainStageId] = oneOf('AWS::ApiGateway::Stage', mainApiId);
    const fhirUrl = text(outputs.FhirApiUrl!.Value);
    // The same https://<api>.execute-api.<region>.<suffix>/<stage>/ form, of the FHIR API and its stage.
    expect(fhirUrl).toBe(text(outputs.ApiUrl!.Value).replaceAll(`"${mainApiId}"`, `"${fhirApiId}"`).replaceAll(`"${mainStageId}"`, `"${fhirStageId}"`));
    expect(fhirUrl).toContain(`{"Ref":"${fhirApiId}"}`);
    expect(fhirUrl).not.toContain(mainApiId);
  });
});

describe('CloudFront sends every API path to its API, the bare prefixes too', () => {
  interface Behavior { PathPattern: string; TargetOriginId: string }
  // CloudFront's matching: the first behavior (in order) whose pattern matches the path, else the default (the web client).
  const matches = (pattern: string, path: string) => new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('*', '.*')}$`).test(path);

  it.each(['eu-north-1', 'eu-west-1'])('in %s, /v1 and /ops reach the route API, /fhir the FHIR API; client-side paths the web client', (region) => {
    const template = synth.json[region]!;
    const [, dist] = resourcesOf(template, 'AWS::CloudFront::Distribution')[0]!;
    const config = dist.Properties!.DistributionConfig as { CacheBehaviors: Behavior[]; DefaultCacheBehavior: { TargetOriginId: string }; Origins: { Id: string; DomainName: unknown }[] };
    const originOfApi = (name: string) => {
      const apiId = resourcesOf(template, 'AWS::ApiGateway::RestApi').find(([, r]) => r.Properties?.Name === name)![0];
      return config.Origins.find((o) => text(o.DomainName).includes(apiId))!.Id;
    };
    const targetOf = (path: string) => config.CacheBehaviors.find((b) => matches(b.PathPattern, path))?.TargetOriginId ?? config.DefaultCacheBehavior.TargetOriginId;
    const routeApi = originOfApi('fellesjournal-test');
    const fhirApi = originOfApi('fellesjournal-test-fhir');
    const web = config.DefaultCacheBehavior.TargetOriginId;
    expect(new Set([routeApi, fhirApi, web]).size).toBe(3);
    // The bare prefix gets the API's own 404 (problem+json, OperationOutcome), not index.html.
    for (const path of ['/v1', '/v1/', '/v1/patients/x', '/ops', '/ops/v1/tenants', '/health', '/openapi.json']) expect(targetOf(path), path).toBe(routeApi);
    for (const path of ['/fhir', '/fhir/', '/fhir/R4', '/fhir/R4/Patient/x']) expect(targetOf(path), path).toBe(fhirApi);
    for (const path of ['/', '/index.html', '/patients/x', '/messages/threads/x', '/v10', '/fhirx']) expect(targetOf(path), path).toBe(web);
  });
});

describe('API Gateway\'s own errors under /fhir are OperationOutcomes', () => {
  // Status, issue code and extra headers of each gateway-made error the FHIR API answers.
  const EXPECTED: Record<string, { status?: string; code: string; headers?: Record<string, string> }> = {
    MISSING_AUTHENTICATION_TOKEN: { status: '404', code: 'not-found' },
    RESOURCE_NOT_FOUND: { status: '404', code: 'not-found' },
    UNAUTHORIZED: { status: '401', code: 'login', headers: { 'WWW-Authenticate': `'${bearerChallenge(undefined)}'` } },
    EXPIRED_TOKEN: { status: '401', code: 'expired', headers: { 'WWW-Authenticate': `'Bearer realm="fellesjournal", error="invalid_token"'` } },
    INVALID_SIGNATURE: { status: '403', code: 'security' },
    ACCESS_DENIED: { status: '403', code: 'forbidden' },
    INVALID_API_KEY: { status: '403', code: 'forbidden' },
    WAF_FILTERED: { status: '403', code: 'forbidden' },
    BAD_REQUEST_BODY: { status: '400', code: 'invalid' },
    BAD_REQUEST_PARAMETERS: { status: '400', code: 'invalid' },
    REQUEST_TOO_LARGE: { status: '413', code: 'too-costly' },
    UNSUPPORTED_MEDIA_TYPE: { status: '415', code: 'not-supported' },
    THROTTLED: { status: '429', code: 'throttled', headers: { 'Retry-After': "'1'", RateLimit: `'"usage-plan";r=0;t=1'` } },
    QUOTA_EXCEEDED: { status: '429', code: 'throttled', headers: { 'Retry-After': "'3600'" } },
    AUTHORIZER_FAILURE: { status: '500', code: 'exception' },
    AUTHORIZER_CONFIGURATION_ERROR: { status: '500', code: 'exception' },
    API_CONFIGURATION_ERROR: { status: '500', code: 'exception' },
    INTEGRATION_FAILURE: { status: '502', code: 'exception' },
    INTEGRATION_TIMEOUT: { status: '504', code: 'timeout' },
    DEFAULT_4XX: { code: 'processing' },
    DEFAULT_5XX: { code: 'exception' },
  };

  it('every gateway error type has a response, with the status code and headers it needs', () => {
    expect([...fhir.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [type, want] of Object.entries(EXPECTED)) {
      const r = fhir.get(type)!;
      expect(r.StatusCode, type).toBe(want.status);
      expect(header(r, 'Content-Type'), type).toBe("'application/fhir+json'");
      for (const [name, value] of Object.entries(want.headers ?? {})) expect(header(r, name), `${type} ${name}`).toBe(value);
      // The route API's headers otherwise (no-store, nosniff; neither API sends CORS headers: same origin behind CloudFront).
      const others = (x: GatewayResponse | undefined) => Object.entries(x?.ResponseParameters ?? {}).filter(([k]) => !/Content-Type|WWW-Authenticate|Retry-After|RateLimit/.test(k));
      if (main.has(type)) expect(others(r), type).toEqual(others(main.get(type)));
      expect(Object.keys(r.ResponseParameters).some((k) => /Access-Control/i.test(k)), type).toBe(false);
      expect(header(r, 'Cache-Control'), type).toBe("'no-store'");
    }
    // Every 429 says when to retry, every 401 challenges for a bearer token.
    for (const r of fhir.values()) {
      if (r.StatusCode === '429') expect(header(r, 'Retry-After'), r.ResponseType).toMatch(/^'\d+'$/);
      if (r.StatusCode === '401') expect(header(r, 'WWW-Authenticate'), r.ResponseType).toMatch(/^'Bearer realm="fellesjournal"/);
    }
    // Same status codes as the route API's problem+json for the same error.
    for (const [type, r] of main) if (fhir.has(type)) expect(fhir.get(type)!.StatusCode, type).toBe(r.StatusCode);
  });

  it('each body template uses only $context values and, substituted, is a valid R4 OperationOutcome with the issue code of its status', () => {
    for (const [type, want] of Object.entries(EXPECTED)) {
      const template = fhir.get(type)!.ResponseTemplates['application/json']!;
      // Gateway response templates are not VTL: no directives, no $input/$util, only $context variables.
      expect(template, type).not.toMatch(/#(set|if|foreach)|\$input|\$util|\$stageVariables/);
      for (const v of template.match(/\$[A-Za-z.]+/g) ?? []) expect(['$context.error.messageString', '$context.requestId'], `${type} ${v}`).toContain(v);
      const body = JSON.parse(substituted(template)) as { resourceType: string; issue: { severity: string; code: string; diagnostics: string; details: { text: string } }[] };
      expectValidFhir(body);
      expect(body.resourceType).toBe('OperationOutcome');
      expect(body.issue, type).toHaveLength(1);
      expect(body.issue[0]!.code, type).toBe(want.code);
      expect(body.issue[0]!.severity, type).toBe(want.code === 'exception' || want.code === 'timeout' ? 'fatal' : 'error');
      // API Gateway's own message and the request id reach the caller.
      expect(body.issue[0]!.diagnostics).toBe('Too Many "Requests"');
      expect(body.issue[0]!.details.text).toContain('8d7c6b5a-1234-4f00-9abc-0123456789ab');
    }
  });

  it('/v1 keeps problem+json: the route API\'s gateway responses are unchanged in kind', () => {
    expect(main.size).toBeGreaterThan(15);
    for (const [type, r] of main) {
      expect(header(r, 'Content-Type'), type).toBe("'application/problem+json'");
      expect(JSON.parse(substituted(r.ResponseTemplates['application/json']!)), type).toHaveProperty('type');
    }
  });

  it('a known /fhir path with an unsupported method answers 405 with Allow and a valid OperationOutcome; an unknown one 404', () => {
    const methods = ofApi('AWS::ApiGateway::Method', fhirApiId);
    const pathOf = (resourceId: string): string => {
      const r = R[resourceId];
      if (!r || r.Type !== 'AWS::ApiGateway::Resource') return '';
      return `${pathOf(refOf(r.Properties!.ParentId)!)}/${String(r.Properties!.PathPart)}`;
    };
    const mocks = methods.filter(([, m]) => m.Properties!.HttpMethod === 'ANY').map(([, m]) => ({ path: pathOf(refOf(m.Properties!.ResourceId)!), p: m.Properties! }));
    const allowed = allowedMethods(fhirRoutes);
    expect(mocks.map((x) => x.path).sort()).toEqual([...allowed.keys(), '/fhir/{proxy+}', '/fhir/R4/{proxy+}'].sort());
    for (const { path, p } of mocks) {
      const integration = p.Integration as { Type: string; IntegrationResponses: { StatusCode: string; ResponseParameters: Record<string, string>; ResponseTemplates: Record<string, string> }[] };
      expect(integration.Type, path).toBe('MOCK');
      expect(p).toMatchObject({ AuthorizationType: 'NONE' });
      const response = integration.IntegrationResponses[0]!;
      expect(response.StatusCode, path).toBe(path.endsWith('{proxy+}') ? '404' : '405');
      expect(response.ResponseParameters['method.response.header.Content-Type']).toBe("'application/fhir+json'");
      if (!path.endsWith('{proxy+}')) expect(response.ResponseParameters['method.response.header.Allow'], path).toBe(`'${allowed.get(path)!.join(', ')}'`);
      const body = JSON.parse(substituted(response.ResponseTemplates['application/json']!)) as { issue: { code: string }[] };
      expectValidFhir(body);
      expect(body.issue[0]!.code).toBe(path.endsWith('{proxy+}') ? 'not-found' : 'not-supported');
    }
    // The POST-only transaction endpoint /fhir/R4 tells a GET what it allows.
    expect(allowed.get('/fhir/R4')).toEqual(['POST']);
  });
});
