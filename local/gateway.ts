import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteSpec } from '../shared/http/route';
import { problemType, PROBLEM_CONTENT_TYPE } from '../shared/http/problem';
import { FHIR_CONTENT_TYPE, operationOutcomeOf } from '../functions/fhir/operation-outcome';
import type { UserProfile } from '../shared/tenancy/user-profile';
import { organisationFromAuthorizationDetails, type IssuedToken, type LocalTokenIssuer } from './token-issuer';
import { JWT_BEARER_ASSERTION } from './client-assertion';
import { bucketKey, rateLimitHeaders, TokenBuckets, type MeteredBucket } from './throttle';

export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  host?: string;
  port: number;
  routes: readonly RouteSpec[];
  /** Repository root; route handler paths are relative to it. */
  root: string;
  issuer: LocalTokenIssuer;
  /** Where the local token issuer is mounted on this server. */
  issuerPath: string;
  findUser(id: string): Promise<UserProfile | undefined>;
  listDemoUsers(): Promise<UserProfile[]>;
  /** OAuth2 client credentials check; returns the granted scopes, or undefined to refuse. */
  clientCredentials?(clientId: string, secret: string, requestedScopes: string[]): Promise<string[] | undefined>;
  /** RFC 7523 client assertion (private_key_jwt) check against the token endpoint URL; the client and its scopes, or undefined. */
  clientAssertion?(assertion: string, tokenEndpoint: string, requestedScopes: string[]): Promise<{ clientId: string; scopes: string[] } | undefined>;
  webRoot?: string;
  /**
   * The usage bucket of a call with a token, with its plan (local/usage-meter.ts): the gateway
   * meters it as API Gateway's usage plans do and answers 429 when it is spent. None: no metering.
   */
  meter?(authorization: string | undefined): Promise<MeteredBucket | undefined>;
}

export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

const API_PREFIXES = ['/v1/', '/ops/', '/fhir/', '/health', '/openapi.json'];

/** Paths the API owns (never the web client's HTML): the prefixes, and `/v1`, `/ops`, `/fhir` themselves. */
function isApiPath(pathname: string): boolean {
  return API_PREFIXES.some((p) => pathname.startsWith(p) || (p.endsWith('/') && pathname === p.slice(0, -1)));
}
const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute {
  route: RouteSpec;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
}

function compile(route: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const source = segments
    .map((s) => {
      const m = /^\{(\w+)\}$/.exec(s);
      if (m?.[1]) {
        names.push(m[1]);
        return '/([^/]+)';
      }
      return '/' + s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { route, pattern: new RegExp(`^${source || '/'}$`), names, literalSegments: segments.length - names.length };
}

function problem(res: ServerResponse, status: number, title: string, detail: string, kind: Parameters<typeof problemType>[0], extraHeaders: Record<string, string> = {}): void {
  const requestId = randomUUID();
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', 'x-request-id': requestId, ...extraHeaders });
  res.end(JSON.stringify({ type: problemType(kind), title, status, detail, requestId }));
}

/** The gateway's own refusals under /fhir, as the FHIR routes answer theirs: an OperationOutcome. */
function fhirOutcome(res: ServerResponse, status: number, title: string, detail: string, extraHeaders: Record<string, string> = {}): void {
  const requestId = randomUUID();
  res.writeHead(status, { 'content-type': FHIR_CONTENT_TYPE, 'cache-control': 'no-store', 'x-request-id': requestId, ...extraHeaders });
  res.end(JSON.stringify(operationOutcomeOf({ status, title, detail, requestId })));
}

const isFhirPath = (pathname: string) => pathname === '/fhir' || pathname.startsWith('/fhir/');

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client gets its 413 instead of a reset connection.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new Error('too large')) : resolvePromise(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** The API Gateway REST proxy event API Gateway would send for this request. */
export function toProxyEvent(req: IncomingMessage, url: URL, body: Buffer, route: RouteSpec, pathParameters: Record<string, string>): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    headers[k] = values.join(',');
    multiValueHeaders[k] = values;
  }
  // Without a prototype: a client's `?toString=` or `?__proto__=` is a key like any other.
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  const multiQuery: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: route.method,
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: route.id,
      resourcePath: route.path,
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? null,
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

function lambdaContext(route: RouteSpec, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${route.id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.id}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/local/${route.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const STATIC_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function serveStatic(webRoot: string, pathname: string, res: ServerResponse): void {
  const root = resolve(webRoot);
  let file = resolve(join(root, normalize(decodeURIComponent(pathname))));
  if (!file.startsWith(root)) return problem(res, 404, 'Finnes ikke', 'Ingen slik side.', 'not-found');
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Client-side routes fall back to the app shell.
    file = join(root, 'index.html');
    if (!existsSync(file)) return problem(res, 404, 'Finnes ikke', 'Ingen slik side.', 'not-found');
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  const cache = file.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  res.writeHead(200, { 'content-type': type, 'cache-control': cache, ...STATIC_HEADERS });
  res.end(readFileSync(file));
}

function parseForm(body: Buffer, contentType: string | undefined): Record<string, string> {
  const text = body.toString('utf8');
  if (contentType?.includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** The client a token request authenticates as: form fields, or HTTP Basic (RFC 6749 §2.3.1). */
function clientOf(form: Record<string, string>, req: IncomingMessage): { clientId?: string; secret?: string; assertion?: string } {
  if (form.client_assertion_type === JWT_BEARER_ASSERTION && form.client_assertion) return { clientId: form.client_id, assertion: form.client_assertion };
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic) {
    const [clientId, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { clientId, secret };
  }
  return { clientId: form.client_id, secret: form.client_secret };
}

/** The scopes granted to an authenticated client for the requested ones, or undefined when it does not authenticate. */
async function authenticateClient(options: GatewayOptions, client: { clientId?: string; secret?: string; assertion?: string }, scope: string | undefined): Promise<string[] | undefined> {
  const requested = (scope ?? '').split(' ').filter(Boolean);
  if (client.assertion !== undefined) {
    if (!options.clientAssertion) return undefined;
    const verified = await options.clientAssertion(client.assertion, `${options.issuer.issuer}/token`, requested);
    // The assertion names the client (iss/sub); a client_id beside it must agree.
    if (!verified || (client.clientId !== undefined && client.clientId !== verified.clientId)) return undefined;
    client.clientId = verified.clientId;
    return verified.scopes;
  }
  if (!client.clientId || !client.secret || !options.clientCredentials) return undefined;
  return options.clientCredentials(client.clientId, client.secret, requested);
}

/** RFC 6749 §5.2: invalid_client is a 401 with a challenge for the scheme the client may use. */
function invalidClient(res: ServerResponse): void {
  sendJson(res, 401, { error: 'invalid_client', error_description: 'Ukjent klient eller feil hemmelighet.' }, { 'www-authenticate': 'Basic realm="fellesjournal-local-auth"' });
}

/** The local token issuer's endpoints: discovery, JWKS, token, and the demo user list. */
async function handleIssuer(options: GatewayOptions, sub: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (sub === '/.well-known/openid-configuration' && req.method === 'GET') return sendJson(res, 200, options.issuer.discovery());
  if (sub === '/jwks.json' && req.method === 'GET') return sendJson(res, 200, options.issuer.jwks());
  if (sub === '/demo-users' && req.method === 'GET') {
    const users = await options.listDemoUsers();
    return sendJson(res, 200, users.map((u) => ({ id: u.id, name: u.name, roles: u.roles, tenant: u.tenant, profession: u.profession })));
  }
  if (sub === '/token' && req.method === 'POST') {
    const form = parseForm(await readBody(req), req.headers['content-type']);
    let token: IssuedToken | undefined;
    if (form.grant_type === 'urn:fellesjournal:demo-login') {
      const user = form.username ? await options.findUser(form.username) : undefined;
      if (!user || user.status !== 'active') return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Ukjent eller deaktivert bruker.' });
      // HelseID knows a person by their pid only; a registry user without one cannot log in.
      if (!user.pid) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Brukeren har ikke fødselsnummer i registeret.' });
      const client = clientOf(form, req);
      if (client.clientId === undefined && client.assertion === undefined) {
        token = await options.issuer.issueForUser(user);
      } else {
        // The person logs in through a vendor's system: a user token issued to that client (on behalf of the person).
        const scopes = await authenticateClient(options, client, form.scope);
        if (!scopes || !client.clientId) return invalidClient(res);
        token = await options.issuer.issueOnBehalfOf(client.clientId, { pid: user.pid, name: user.name, hpr: user.hpr }, scopes);
      }
    } else if (form.grant_type === 'client_credentials') {
      const client = clientOf(form, req);
      const scopes = await authenticateClient(options, client, form.scope);
      if (!client.clientId || !scopes) return invalidClient(res);
      // The municipality the token is for, as a HelseID multi-tenant client names it (RFC 9396).
      const organisation = organisationFromAuthorizationDetails(form.authorization_details);
      if (!organisation) return sendJson(res, 400, { error: 'invalid_authorization_details', error_description: 'authorization_details: én helseid_authorization med NO:ORGNR:<orgnr>[:<orgnr>] og gyldige organisasjonsnumre.' });
      token = await options.issuer.issueForClient(client.clientId, scopes, organisation);
    } else {
      return sendJson(res, 400, { error: 'unsupported_grant_type' });
    }
    return sendJson(res, 200, token);
  }
  return problem(res, 404, 'Finnes ikke', 'Ukjent endepunkt hos den lokale token-utstederen.', 'not-found');
}

/**
 * The local API gateway: turns HTTP requests into API Gateway REST proxy events and invokes the
 * same middy handlers that run in Lambda, chosen from the one route table. Serves the web client
 * at `/` and the local token issuer under `issuerPath`.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const compiled = options.routes.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
  const buckets = new TokenBuckets();
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const loadHandler = (route: RouteSpec) => {
    let h = handlers.get(route.handler);
    if (!h) {
      h = import(pathToFileURL(join(options.root, route.handler)).href).then((m: { handler?: LambdaHandler }) => {
        if (typeof m.handler !== 'function') throw new Error(`${route.handler} exports no handler`);
        return m.handler;
      });
      handlers.set(route.handler, h);
    }
    return h;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      try {
        if (pathname.startsWith(options.issuerPath)) return await handleIssuer(options, pathname.slice(options.issuerPath.length), req, res);
        const matches = compiled.map((c) => ({ c, m: c.pattern.exec(pathname) })).filter((x) => x.m);
        if (matches.length === 0) {
          if (!isApiPath(pathname) && options.webRoot && (req.method === 'GET' || req.method === 'HEAD')) {
            return serveStatic(options.webRoot, pathname, res);
          }
          if (isFhirPath(pathname)) return fhirOutcome(res, 404, 'Finnes ikke', `Ingen rute for ${req.method} ${pathname}.`);
          return problem(res, 404, 'Finnes ikke', `Ingen rute for ${req.method} ${pathname}.`, 'not-found');
        }
        const hit = matches.find((x) => x.c.route.method === req.method);
        if (!hit?.m) {
          const allow = [...new Set(matches.map((x) => x.c.route.method))].join(', ');
          if (isFhirPath(pathname)) return fhirOutcome(res, 405, 'Metoden er ikke tillatt', `${req.method} er ikke støttet her.`, { allow });
          return problem(res, 405, 'Metoden er ikke tillatt', `${req.method} er ikke støttet her.`, 'method-not-allowed', { allow });
        }
        let body: Buffer;
        try {
          body = await readBody(req);
        } catch {
          if (isFhirPath(pathname)) return fhirOutcome(res, 413, 'For stor forespørsel', 'Forespørselen er større enn 1 MB.');
          return problem(res, 413, 'For stor forespørsel', 'Forespørselen er større enn 1 MB.', 'validation');
        }
        // Metered like API Gateway's usage plans: token routes only, in the caller's bucket.
        let limitHeaders: Record<string, string> = {};
        const metered = hit.c.route.auth === 'token' && options.meter ? await options.meter(req.headers.authorization) : undefined;
        if (metered) {
          const decision = buckets.take(bucketKey(metered.bucket), metered.throttle, Date.now());
          limitHeaders = rateLimitHeaders(metered, decision);
          if (!decision.allowed) {
            const detail = `Grensen for ${metered.policy} er nådd; prøv igjen om ${decision.retryAfter} s.`;
            if (isFhirPath(pathname)) return fhirOutcome(res, 429, 'For mange forespørsler', detail, limitHeaders);
            return problem(res, 429, 'For mange forespørsler', detail, 'too-many-requests', limitHeaders);
          }
        }
        const params: Record<string, string> = {};
        hit.c.names.forEach((name, i) => {
          params[name] = decodeURIComponent(hit.m?.[i + 1] ?? '');
        });
        const event = toProxyEvent(req, url, body, hit.c.route, params);
        const handler = await loadHandler(hit.c.route);
        const result = await handler(event, lambdaContext(hit.c.route, event.requestContext.requestId));
        const headers: Record<string, string | string[]> = { ...limitHeaders, ...(result.headers as Record<string, string>) };
        for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
        res.writeHead(result.statusCode, headers);
        res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      } catch (error) {
        // The handlers map their own errors; reaching here means the gateway itself failed.
        console.error('local gateway error', error);
        if (!res.headersSent) problem(res, 502, 'Gatewayfeil', 'Den lokale gatewayen kunne ikke kalle funksjonen.', 'internal');
        else res.end();
      }
    })();
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${options.port} (gateway) is already in use; stop what holds it or pick another with --port.`) : error),
    );
    server.listen(options.port, host, () => resolvePromise());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
