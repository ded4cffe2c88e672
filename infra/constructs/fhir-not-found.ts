import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { FHIR_CONTENT_TYPE } from '../../functions/fhir/operation-outcome';
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
 * no route serves reach it; the API's own gateway responses (problem+json) still answer a known
 * path with an unsupported method.
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
