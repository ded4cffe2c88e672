// @ts-nocheck
import type { RouteSpec } from '../shared/http/route';
import { adminRoutes } from './admin/routes';
import { anchorRoutes } from './anchor/routes';
import { auditRoutes } from './audit/routes';
import { fhirRoutes } from './fhir/routes';
import { platformRoutes } from './platform/routes';
import { journalRoutes } from './journal/routes';
import { sharingRoutes } from './sharing/routes';
import { tenantRoutes } from './tenants/routes';
import { vendorRoutes } from './vendors/routes';

/**
 * The one route table. The local gateway, CDK and /openapi.json are all built from it.
 * A new endpoint is a new entry in its service's routes.ts, listed here.
 */
export const ROUTES: readonly RouteSpec[] = [...platformRoutes, ...auditRoutes, ...anchorRoutes, ...tenantRoutes, ...vendorRoutes, ...adminRoutes, ...journalRoutes, ...sharingRoutes, ...fhirRoutes];
