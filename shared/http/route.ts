import type * as z from '../contracts/zod';
import type { Role } from '../auth/caller';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Which IAM permissions the function serving a route gets (infra/route-groups.ts, infra/constructs/permissions.ts).
 * - `data`: acts for tenants through the tenant-scoped role (journal, audit, tenant keys), reads
 *   the control table, uses the region-wide sharing index.
 * - `admin`: the tenant admins' part of the control plane (users, units, vendor grants): writes
 *   the control table and appends audit events under its own role; no tenant role, no tenant keys,
 *   so it cannot read patient data.
 * - `operator`: the operating company's control plane (tenant registry, tenant keys, vendor API
 *   keys); no tenant role, never key material.
 * - `export`: offboarding's export of a municipality's whole journal, decrypted, to the region's
 *   export bucket (the data handover when a municipality leaves). Kept apart from `operator` so
 *   that the functions an operator uses every day can never decrypt: only this one can, only to
 *   read journal records, and only to write them into the export bucket.
 * - `anchor`: the anchoring job's rights (infra/constructs/audit-anchor.ts: read audit stream
 *   heads, kms:Sign with the anchor key, write-once anchor store), for the auditor's "anchor now";
 *   no tenant role, no tenant keys, never the data plane's. The only plane that may sign tree heads.
 */
export type Plane = 'data' | 'admin' | 'operator' | 'export' | 'anchor';

/**
 * One API route, as data. The route table feeds the local gateway, CDK (API Gateway methods and
 * functions) and /openapi.json. `handler` names the module file; nothing here imports handler code.
 */
export interface RouteSpec {
  /** Unique operation id, also the function's logical name in CDK. */
  id: string;
  method: HttpMethod;
  /** API Gateway-style path: `/v1/patients/{patientId}`. */
  path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  handler: string;
  /** Owning service; CDK groups permissions by it. */
  service: string;
  /**
   * The IAM plane of the function that serves the route, stated, never inferred from `roles`:
   * adding a role to a route must not change what its function may do.
   */
  plane: Plane;
  summary: string;
  /** `public`: no token. `token`: a verified bearer token is required. */
  auth: 'public' | 'token';
  /** Roles allowed to call; undefined means any authenticated caller. */
  roles?: readonly Role[];
  /** Vendor scopes required when the caller is a vendor client. Vendors are refused where absent. */
  scopes?: readonly string[];
  /**
   * `caller`: the request acts inside one tenant (the person's own, or for a vendor the granting
   * tenant its token's organisation maps to); the tenant must be active. `none`: not tenant-bound.
   */
  tenant: 'caller' | 'none';
  /**
   * Other municipalities whose registry entries the operation needs (from the raw path
   * parameters), read in the same round trip as the caller's tenant. Unusable values are ignored.
   */
  otherTenants?: (pathParams: Record<string, string | undefined>) => string[];
  /**
   * The use case may start beside the registry's read of the request (shared/http/handler.ts), on
   * what the registry said on an earlier request of the same caller: set only where every effect of
   * the use case goes through the request's sessions (DynamoDB writes, seals and opens), which hold
   * them until this request's read admits the caller; the answer waits for it too.
   */
  registryAhead?: boolean;
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  params?: z.ZodMiniType;
  headers?: z.ZodMiniType;
  /** Every answer by status; a service's problem responses come from defineService (service.ts). */
  responses: Record<number, ResponseSpec>;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodMiniType;
}

/** Keeps a route's literal types, so handlers get typed input. */
export function defineRoute<const R extends RouteSpec>(route: R): R {
  return route;
}

type Out<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

export interface RouteInput<R extends RouteSpec> {
  body: Out<R['body']>;
  query: Out<R['query']>;
  params: Out<R['params']>;
  headers: Out<R['headers']>;
}
