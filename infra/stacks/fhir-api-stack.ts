import { NestedStack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct, IDependable } from 'constructs';
import { FHIR_CONTENT_TYPE, operationOutcomeOf } from '../../functions/fhir/operation-outcome';
import { bearerChallenge } from '../../shared/auth/verify-token';
import type { RouteSpec } from '../../shared/http/route';
import type { InfraConfig } from '../config';
import { acknowledgeRestApi, addGatewayResponse, addRouteMethods, restApiSettings } from '../constructs/api';
import { addFhirMethodNotAllowed, addFhirNotFound } from '../constructs/fhir-not-found';

/** Where CloudFront sends requests to the FHIR API (every FHIR route lies below it). */
export const FHIR_PATH_PREFIX = '/fhir';

/** A route of the FHIR API: everything under /fhir (functions/fhir/routes.ts puts them there). */
export function isFhirRoute(route: Pick<RouteSpec, 'path'>): boolean {
  return route.path === FHIR_PATH_PREFIX || route.path.startsWith(`${FHIR_PATH_PREFIX}/`);
}

/** A gateway-made error of the FHIR API, as an OperationOutcome. */
export interface GatewayOutcome {
  type: apigw.ResponseType;
  /** The status sent; none keeps API Gateway's own (DEFAULT_4XX/5XX). */
  status?: number;
  title: string;
  /** FHIR IssueType; by default the one the handlers use for the status (functions/fhir/operation-outcome.ts). */
  code?: string;
  headers?: Record<string, string>;
}

/** API Gateway's quoted message: a placeholder in the JSON, swapped for the template variable after JSON.stringify. */
const MESSAGE = '\u0000message\u0000';

/**
 * Body template of a FHIR gateway response. Gateway response templates substitute `$context`
 * values and nothing else (no VTL): `$context.error.messageString` is API Gateway's message already
 * quoted as a JSON string, so it stands as the diagnostics value; the request id has no characters
 * JSON must escape. Severity and issue code as the handlers' OperationOutcomes have them.
 */
export function gatewayOutcomeBody(o: GatewayOutcome): string {
  const status = o.status ?? (o.type === apigw.ResponseType.DEFAULT_5XX ? 500 : 400);
  const base = operationOutcomeOf({ status, title: o.title }).issue[0]!;
  const body = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: base.severity, code: o.code ?? (o.status ? base.code : status >= 500 ? 'exception' : 'processing'), details: { text: `${o.title}. Request id: $context.requestId` }, diagnostics: MESSAGE }],
  };
  return JSON.stringify(body).replace(JSON.stringify(MESSAGE), '$context.error.messageString');
}

/**
 * Every error API Gateway itself makes on the FHIR API, with the status and headers of the route
 * API's problem+json (infra/constructs/api.ts), told as an OperationOutcome.
 */
export const GATEWAY_OUTCOMES: GatewayOutcome[] = [
  // No resource matched at all (the {proxy+} catch-alls and the 405 ANY methods take the rest).
  { type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, title: 'Finnes ikke' },
  { type: apigw.ResponseType.RESOURCE_NOT_FOUND, status: 404, title: 'Finnes ikke' },
  // RFC 6750 challenges as the handlers send them; a static header cannot tell a missing token from a refused one.
  { type: apigw.ResponseType.UNAUTHORIZED, status: 401, title: 'Ikke innlogget', headers: { 'WWW-Authenticate': bearerChallenge(undefined) } },
  { type: apigw.ResponseType.EXPIRED_TOKEN, status: 401, title: 'Ikke innlogget', code: 'expired', headers: { 'WWW-Authenticate': bearerChallenge('Bearer <a presented token>') } },
  { type: apigw.ResponseType.INVALID_SIGNATURE, status: 403, title: 'Ingen tilgang', code: 'security' },
  { type: apigw.ResponseType.ACCESS_DENIED, status: 403, title: 'Ingen tilgang' },
  { type: apigw.ResponseType.INVALID_API_KEY, status: 403, title: 'Ingen tilgang' },
  { type: apigw.ResponseType.WAF_FILTERED, status: 403, title: 'Ingen tilgang' },
  { type: apigw.ResponseType.BAD_REQUEST_BODY, status: 400, title: 'Ugyldig forespørsel: innholdet må være et JSON-objekt av riktig type' },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, status: 400, title: 'Ugyldig forespørsel' },
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, status: 413, title: 'Forespørselen er for stor' },
  { type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, title: 'Ukjent innholdstype' },
  // The caller's bucket is empty now and refills within a second (API Gateway refills per second).
  { type: apigw.ResponseType.THROTTLED, status: 429, title: 'For mange forespørsler', headers: { 'Retry-After': '1', RateLimit: '"usage-plan";r=0;t=1' } },
  // A quota refills only when its period (day, week or month, UTC) starts again; a static answer
  // cannot know when that is, so it asks the client not to come back within the hour.
  { type: apigw.ResponseType.QUOTA_EXCEEDED, status: 429, title: 'Kvoten er brukt opp til neste periode', headers: { 'Retry-After': '3600' } },
  { type: apigw.ResponseType.AUTHORIZER_FAILURE, status: 500, title: 'Intern feil' },
  { type: apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, status: 500, title: 'Intern feil' },
  { type: apigw.ResponseType.API_CONFIGURATION_ERROR, status: 500, title: 'Intern feil' },
  { type: apigw.ResponseType.INTEGRATION_FAILURE, status: 502, title: 'Intern feil' },
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, status: 504, title: 'Tidsavbrudd', code: 'timeout' },
  // Everything else keeps API Gateway's status code, in the same format.
  { type: apigw.ResponseType.DEFAULT_4XX, title: 'Forespørselen ble avvist' },
  { type: apigw.ResponseType.DEFAULT_5XX, title: 'Intern feil' },
];

export interface FhirApiStackProps {
  config: InfraConfig;
  /** The FHIR routes of the route table (`isFhirRoute`). */
  routes: readonly RouteSpec[];
  /** The function serving a route: the same function (live alias) the route API would call. */
  functionFor: (route: RouteSpec) => lambda.IFunction;
  /** The region's authorizer function, shared with the route API. */
  authorizer: lambda.IFunction;
  /** The route API's access log group: one log, one format, for both stages. */
  accessLogs: logs.ILogGroup;
  /** The regional web ACL of the route API (origin header check, managed rules). */
  webAclArn: string;
  /** What the stage must wait for: the route API's stage (it sets the account's CloudWatch role). */
  after: IDependable;
}

/**
 * The FHIR R4 API as a REST API of its own, in a nested stack: API Gateway's gateway responses
 * belong to a whole REST API, and /fhir needs OperationOutcome (application/fhir+json) where /v1
 * has problem+json. Same functions, authorizer, usage plans (the route API's plans list this
 * stage too: region-stack), access log, and regional web ACL as the route API; CloudFront sends
 * `/fhir/*` here (infra/constructs/web.ts).
 */
export class FhirApiStack extends NestedStack {
  readonly restApi: apigw.RestApi;

  constructor(scope: Construct, id: string, props: FhirApiStackProps) {
    super(scope, id, { description: `Fellesjournal ${props.config.stage} FHIR R4 API (/fhir): routes, OperationOutcome gateway responses` });
    const { config } = props;
    const routes = props.routes.filter(isFhirRoute);
    if (routes.length !== props.routes.length) throw new Error('The FHIR API serves only routes under /fhir');

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `fellesjournal-${config.stage}-fhir`,
      description: 'Fellesjournal FHIR R4 API (the /fhir routes of functions/routes.ts)',
      ...restApiSettings(config, props.accessLogs),
      // The account's CloudWatch role is the route API's to manage.
      cloudWatchRole: false,
    });
    const api = this.restApi;
    api.deploymentStage.node.addDependency(props.after);

    // Imported here, so the authorizer's invoke permission is made in this stack (the route
    // functions' permissions are API-scoped, made with the API already).
    const authorizer = lambda.Function.fromFunctionAttributes(this, 'AuthorizerFunction', { functionArn: props.authorizer.functionArn, sameEnvironment: true });
    addRouteMethods(this, api, { config, routes, functionFor: props.functionFor, authorizer });
    addFhirNotFound(api);
    addFhirMethodNotAllowed(api, routes);
    acknowledgeRestApi(api);

    for (const o of GATEWAY_OUTCOMES) {
      addGatewayResponse(api, `Outcome${o.type.responseType}`, { type: o.type, status: o.status, contentType: FHIR_CONTENT_TYPE, headers: o.headers, body: gatewayOutcomeBody(o) });
    }

    // The route API's web ACL: only requests through CloudFront (origin header), then the managed rules.
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: api.deploymentStage.stageArn, webAclArn: props.webAclArn });
  }
}
