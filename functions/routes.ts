import type { RouteSpec } from '../shared/http/route';
import { auditRoutes } from './audit/routes';
import { platformRoutes } from './platform/routes';
import { controlPlaneRoutes } from './tenants/control-plane-routes';
import { journalRoutes } from './journal/routes';
import { sharingRoutes } from './sharing/routes';

/**
 * The one route table. The local gateway, CDK and /openapi.json are all built from it.
 * A new endpoint is a new entry in its service's routes.ts, listed here.
 */
export const ROUTES: readonly RouteSpec[] = [...platformRoutes, ...auditRoutes, ...controlPlaneRoutes, ...journalRoutes, ...sharingRoutes];
