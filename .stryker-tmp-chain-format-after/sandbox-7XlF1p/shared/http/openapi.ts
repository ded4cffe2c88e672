// @ts-nocheck
import { VENDOR_SCOPES } from '../auth/caller';
import { problemSchema } from '../contracts/common';
import { syntheticNationalId } from '../contracts/identifiers';
import { strictRequest } from '../contracts/strict';
import { toJSONSchema, type ZodMiniType } from '../contracts/zod';
import type { RouteSpec } from './route';

type Json = Record<string, unknown>;

/** Where the document says a client gets its token and which server it talks to. */
export interface OpenApiOptions {
  /** Absolute base URL of this deployment (from the request); a relative `/` when unknown. */
  serverUrl?: string;
  /** The OIDC token endpoint (HelseID's, or the local issuer's). */
  tokenUrl?: string;
}

const SCOPE_TEXT: Record<string, string> = {
  'journal.read': 'Read patients and journal entries in the granting municipality',
  'journal.write': 'Create patients and draft journal entries in the granting municipality',
  'audit.read': "Read the granting municipality's audit log",
  'sharing.read': "Find and retrieve documents shared with the granting municipality's patients",
};

/**
 * Collects the JSON Schemas of the route table as one set of shared components: every zod schema
 * registered with an id (`Patient`, `Problem`, ...) becomes `#/components/schemas/<id>` once, and
 * operations point at it by `$ref`. zod writes each conversion as a stand-alone JSON Schema with
 * its own `$schema` and `$defs`; those are hoisted here. A registered schema whose input and
 * output shapes differ (defaults, transforms) gets a second component, `<id>Input`.
 */
class Components {
  readonly schemas: Record<string, Json> = {};
  private readonly serialised = new Map<string, string>();

  ref(schema: ZodMiniType, io: 'input' | 'output'): Json {
    const json = toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    delete json.$schema;
    const names = new Map<string, string>();
    for (const [id, def] of Object.entries(defs)) names.set(id, this.nameFor(id, def, io));
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!node || typeof node !== 'object') return node;
      const out: Json = {};
      for (const [k, v] of Object.entries(node as Json)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) out[k] = `#/components/schemas/${names.get(v.slice(8)) ?? v.slice(8)}`;
        else out[k] = rewrite(v);
      }
      return out;
    };
    for (const [id, def] of Object.entries(defs)) this.schemas[names.get(id)!] = rewrite(def) as Json;
    return rewrite(json) as Json;
  }

  /** The component name of a definition: its id, or `<id>Input` when the output shape already took it. */
  private nameFor(id: string, def: Json, io: 'input' | 'output'): string {
    const text = JSON.stringify(def);
    for (const name of io === 'input' ? [id, `${id}Input`] : [id, `${id}Output`]) {
      const seen = this.serialised.get(name);
      if (seen === undefined || seen === text) {
        this.serialised.set(name, text);
        return name;
      }
    }
    throw new Error(`OpenAPI: two different schemas are registered as ${id}`);
  }
}

const TAG_TEXT: Record<string, string> = {
  platform: 'Health, this document, the caller and their municipality',
  journal: 'Patients, care relationships and journal entries (versioned; changes need If-Match)',
  sharing: 'Documents shared across municipalities, blocks, consents and emergency access',
  audit: 'Audit log views, verification and the review queue',
  anchor: 'Anchoring the audit log (signed tree heads)',
  admin: "The municipality's users, units and vendor grants (tenant admins)",
  tenants: "The operating company's tenant registry",
  vendors: "The operating company's vendor client registry",
  fhir: 'FHIR R4 and IHE MHD (see /fhir/R4/metadata for the CapabilityStatement)',
};

/** Every route sits behind API Gateway throttling and usage plans, so any call may be throttled. */
const THROTTLED = {
  description: 'Throttled (stage limit or the vendor usage plan; API Gateway sends Retry-After)',
  headers: { 'Retry-After': { description: 'Seconds to wait (on API Gateway throttling)', schema: { type: 'integer', minimum: 0 } } },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** Header names the middleware reads itself, in every operation they apply to. */
const X_TENANT = {
  name: 'x-tenant',
  in: 'header',
  required: false,
  description: 'Vendor clients: the municipality (kommunenummer) the call acts in; it must have granted the client the operation\'s scopes. Required for a vendor token (400 without it); ignored for personnel, who act in their own municipality.',
  schema: { type: 'string', pattern: '^\\d{4}$' },
  example: '0301',
};

function parameters(route: RouteSpec, components: Components, readsIfMatch: boolean): unknown[] {
  const out: unknown[] = [];
  const add = (schema: ZodMiniType | undefined, where: 'path' | 'query' | 'header') => {
    if (!schema) return;
    const json = components.ref(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      // If-Match is optional in the header schema because its absence is answered by the service
      // (428, not 400); for a client it is required all the same.
      const required = where === 'path' || (json.required ?? []).includes(name) || (where === 'header' && name === 'if-match' && readsIfMatch);
      const { description, ...rest } = s;
      out.push({ name, in: where, required, ...(typeof description === 'string' ? { description } : {}), schema: rest });
    }
  };
  add(route.params, 'path');
  add(route.query, 'query');
  add(route.headers, 'header');
  if (route.auth === 'token' && route.tenant === 'caller' && route.scopes) out.push(X_TENANT);
  return out;
}

function hasIfMatch(route: RouteSpec): boolean {
  if (!route.headers) return false;
  const json = toJSONSchema(route.headers, { io: 'input', unrepresentable: 'any' }) as { properties?: Json };
  return Object.hasOwn(json.properties ?? {}, 'if-match');
}

/**
 * Who may call: personnel and citizens with a bearer token (HelseID / ID-porten); a vendor client
 * with its OAuth2 client-credentials token carrying the route's scopes AND its API key (API
 * Gateway meters and checks it). Routes without `scopes` are closed to vendors.
 */
function security(route: RouteSpec): Json[] {
  if (route.auth === 'public') return [];
  const person = { bearer: [] };
  return route.scopes ? [person, { helseid: [...route.scopes], apiKey: [] }] : [person];
}

function example(route: RouteSpec): Json | undefined {
  return EXAMPLES[route.id];
}

/** Request examples for the operations a vendor starts with. Synthetic data only. */
const EXAMPLES: Record<string, Json> = {
  createPatient: { nationalId: syntheticNationalId({ day: 13, month: 1, year: 1982 }, 123), name: 'Kari Testesen', birthDate: '1982-01-13', gender: 'unknown' },
  searchPatients: { nationalId: syntheticNationalId({ day: 13, month: 1, year: 1982 }, 123) },
  createEntry: { type: 'journalnotat', title: 'Hjemmebesøk', text: 'Sår på venstre legg stelt. Ingen tegn til infeksjon.' },
};

/** /openapi.json describes the JSON API; /fhir is described by its CapabilityStatement (/fhir/R4/metadata). */
export function describedByOpenApi(route: RouteSpec): boolean {
  return !route.path.startsWith('/fhir/');
}

/** OpenAPI 3.1 for the route table, straight from the zod schemas the handlers validate with. */
export function buildOpenApi(routes: readonly RouteSpec[], info: { title: string; version: string }, options: OpenApiOptions = {}): Json {
  const components = new Components();
  // The throttling response below points at Problem, whatever routes are listed.
  components.ref(problemSchema, 'output');
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const route of routes.filter(describedByOpenApi)) {
    const readsIfMatch = hasIfMatch(route);
    const responses: Json = {};
    for (const [status, r] of Object.entries(route.responses)) {
      // 428 comes only from a missing If-Match: a route that reads none cannot answer it.
      if (status === '428' && !readsIfMatch) continue;
      const isProblem = Number(status) >= 400;
      responses[status] = {
        description: r.description,
        ...(r.schema ? { content: { [isProblem ? 'application/problem+json' : 'application/json']: { schema: components.ref(r.schema, 'output') } } } : {}),
      };
    }
    if (!Object.keys(responses).some((s) => s.startsWith('2'))) responses['200'] = { description: 'OK' };
    responses['429'] ??= THROTTLED;
    tags.add(route.service);
    const operation: Json = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.service],
      parameters: parameters(route, components, readsIfMatch),
      responses,
      security: security(route),
      ...(route.roles ? { 'x-roles': route.roles } : {}),
      ...(route.scopes ? { 'x-vendor-scopes': route.scopes } : {}),
    };
    if (route.body) {
      const ex = example(route);
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: components.ref(strictRequest(route.body), 'input'), ...(ex ? { example: ex } : {}) } },
      };
    }
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'Fellesjournal: the shared municipal health record. Errors are application/problem+json (RFC 9457); a 400 lists every bad field in `errors`, including fields the contract does not know. ' +
        'Vendor systems call with a HelseID client-credentials token, their API key and the municipality in x-tenant.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Fellesjournal' },
    },
    servers: [{ url: options.serverUrl ?? '/', description: 'This deployment' }],
    tags: [...tags].sort().map((name) => ({ name, description: TAG_TEXT[name] ?? name })),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Personnel (HelseID) or citizen (ID-porten) access token.' },
        helseid: {
          type: 'oauth2',
          description: 'Vendor systems: HelseID client credentials with a signed client assertion (private_key_jwt).',
          flows: {
            clientCredentials: {
              tokenUrl: options.tokenUrl ?? '/oauth/token',
              scopes: Object.fromEntries(VENDOR_SCOPES.map((s) => [s, SCOPE_TEXT[s] ?? s])),
            },
          },
        },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The API key issued to the vendor client at registration; required with its token.' },
      },
    },
  };
}
