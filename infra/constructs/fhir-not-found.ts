import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { FHIR_CONTENT_TYPE, operationOutcomeOf } from '../../functions/fhir/operation-outcome';
import type { RouteSpec } from '../../shared/http/route';
import { acknowledge } from './nag';

/** The FHIR base paths whose unknown sub-paths answer an OperationOutcome 404 (the base and its parent). */
export const FHIR_CATCH_ALL_PATHS = ['/fhir', '/fhir/R4'] as const;

/**
 * The OperationOutcome API Gateway answers for a path under /fhir that no route serves. Gateway
 * templates substitute only `$context` values; the request id is safe in JSON as it is.
 */
export const FHIR_NOT_FOUND_BODY = JSON.stringify({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Finnes ikke: ingen FHIR-interaksjon på denne stien (se /fhir/R4/metadata). Request id: $context.requestId' }],
});

/**
 * Unknown paths under /fhir answer 404 with an OperationOutcome in AWS, as the local gateway does:
 * a greedy `{proxy+}` resource under each FHIR base with a mock integration (no function, no
 * token: it reads nothing). API Gateway prefers every route of the table over it, so only paths
 * no route serves reach it; a known path with an unsupported method gets the 405 of
 * `addFhirMethodNotAllowed`.
 */
export function addFhirNotFound(api: apigw.RestApi): void {
  const integration = new apigw.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 404}' },
    passthroughBehavior: apigw.PassthroughBehavior.NEVER,
    integrationResponses: [
      {
        statusCode: '404',
        responseParameters: { 'method.response.header.Content-Type': `'${FHIR_CONTENT_TYPE}'`, 'method.response.header.Cache-Control': "'no-store'" },
        responseTemplates: { 'application/json': FHIR_NOT_FOUND_BODY },
      },
    ],
  });
  for (const path of FHIR_CATCH_ALL_PATHS) {
    const proxy = api.root.resourceForPath(path).addResource('{proxy+}');
    const method = proxy.addMethod('ANY', integration, {
      authorizationType: apigw.AuthorizationType.NONE,
      apiKeyRequired: false,
      methodResponses: [{ statusCode: '404', responseParameters: { 'method.response.header.Content-Type': true, 'method.response.header.Cache-Control': true } }],
    });
    acknowledge(method, 'AwsSolutions-APIG4', 'Answers only a fixed 404 OperationOutcome from a mock integration for FHIR paths no route serves: no function, no data, nothing to authorise. WAF, stage throttling and access logs still apply.');
    acknowledge(method, 'AwsSolutions-COG4', 'Answers only a fixed 404 OperationOutcome from a mock integration (no function, no data); tokens are verified by the OIDC authorizer on every route that reads anything.');
  }
}

/** The 405 OperationOutcome of a FHIR path for a method no route serves there (as the local gateway words it). */
export const FHIR_METHOD_NOT_ALLOWED_BODY = JSON.stringify(
  operationOutcomeOf({ status: 405, title: 'Metoden er ikke tillatt', detail: '$context.httpMethod er ikke støttet her. Request id: $context.requestId' }),
);

/** The methods of each FHIR route path, for its `Allow` header. */
export function allowedMethods(routes: readonly RouteSpec[]): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const r of routes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.method].sort());
  return byPath;
}

/**
 * A known FHIR path asked with a method no route serves answers 405 with `Allow` and an
 * OperationOutcome, as the local gateway does: an `ANY` method with a mock integration on each
 * route's resource. API Gateway prefers a resource's own methods over its `ANY`, so only the
 * methods no route serves reach it (without it, API Gateway would answer
 * MISSING_AUTHENTICATION_TOKEN, which a static gateway response can only call a 404).
 */
export function addFhirMethodNotAllowed(api: apigw.RestApi, routes: readonly RouteSpec[]): void {
  for (const [path, methods] of allowedMethods(routes)) {
    const integration = new apigw.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 405}' },
      passthroughBehavior: apigw.PassthroughBehavior.NEVER,
      integrationResponses: [
        {
          statusCode: '405',
          responseParameters: {
            'method.response.header.Content-Type': `'${FHIR_CONTENT_TYPE}'`,
            'method.response.header.Cache-Control': "'no-store'",
            'method.response.header.Allow': `'${methods.join(', ')}'`,
          },
          responseTemplates: { 'application/json': FHIR_METHOD_NOT_ALLOWED_BODY },
        },
      ],
    });
    const method = api.root.resourceForPath(path).addMethod('ANY', integration, {
      authorizationType: apigw.AuthorizationType.NONE,
      apiKeyRequired: false,
      methodResponses: [
        {
          statusCode: '405',
          responseParameters: { 'method.response.header.Content-Type': true, 'method.response.header.Cache-Control': true, 'method.response.header.Allow': true },
        },
      ],
    });
    acknowledge(method, 'AwsSolutions-APIG4', `Answers only a fixed 405 OperationOutcome (Allow: ${methods.join(', ')}) from a mock integration for methods no FHIR route serves on ${path}: no function, no data, nothing to authorise. WAF, stage throttling and access logs still apply.`);
    acknowledge(method, 'AwsSolutions-COG4', 'Answers only a fixed 405 OperationOutcome from a mock integration (no function, no data); tokens are verified by the OIDC authorizer on every route that reads anything.');
  }
}
