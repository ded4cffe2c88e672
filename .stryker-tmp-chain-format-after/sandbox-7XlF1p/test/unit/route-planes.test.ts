// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { groupRoutes, planeOf } from '../../infra/route-groups';
import { defineRoute, type RouteSpec } from '../../shared/http/route';

const base = {
  method: 'GET',
  handler: 'test/fixtures/echo-handler.ts',
  summary: 'Plane test',
  auth: 'token',
  responses: { 200: { description: 'OK' } },
} as const;

describe('a route states its IAM plane', () => {
  it('the plane comes from the route field only, never from its roles', () => {
    // Roles that once implied the admin plane, with a data-plane role added: still control plane.
    const adminWithClinician = defineRoute({ ...base, id: 'planeA', path: '/v1/plane-a', service: 'plane', plane: 'admin', roles: ['tenant-admin', 'clinician'], tenant: 'caller' });
    const operatorOnly = defineRoute({ ...base, id: 'planeB', path: '/v1/plane-b', service: 'plane', plane: 'operator', roles: ['operator', 'clinician'], tenant: 'none' });
    const dataForAdmins = defineRoute({ ...base, id: 'planeC', path: '/v1/plane-c', service: 'plane-data', plane: 'data', roles: ['tenant-admin'], tenant: 'caller' });
    expect(planeOf(adminWithClinician)).toBe('admin');
    expect(planeOf(operatorOnly)).toBe('operator');
    expect(planeOf(dataForAdmins)).toBe('data');
    const groups = groupRoutes([adminWithClinician, operatorOnly, dataForAdmins]);
    expect(groups.map((g) => [g.name, g.plane, g.routes.map((r) => r.id)])).toEqual([
      ['plane-admin', 'admin', ['planeA']],
      ['plane-data', 'data', ['planeC']],
      ['plane-ops', 'operator', ['planeB']],
    ]);
  });

  it('a route without a plane does not compile, and an unknown plane is refused at synth', () => {
    //  `plane` is required: no route gets its permissions by inference.
    const missing: RouteSpec = { ...base, id: 'planeD', path: '/v1/plane-d', service: 'plane', roles: ['tenant-admin'], tenant: 'caller' };
    expect(() => groupRoutes([missing])).toThrow(/plane "undefined"/);
    //  `control` is not a plane.
    const unknown: RouteSpec = { ...base, id: 'planeE', path: '/v1/plane-e', service: 'plane', plane: 'control', tenant: 'none' };
    expect(() => groupRoutes([unknown])).toThrow(/plane "control"/);
  });

  it('every route of the table states one of the five planes', () => {
    for (const route of ROUTES) expect(['data', 'admin', 'operator', 'export', 'anchor'], route.id).toContain(route.plane);
    // The offboarding flow's two routes (the only ones whose role may schedule a key's deletion), and nothing operator-only on the data plane.
    expect(ROUTES.filter((r) => r.plane === 'export').map((r) => r.id)).toEqual(['opsOffboardTenant', 'opsDestroyDueKeys']);
    // The one anchor route (it may Sign tree heads): the auditor's, and only the auditor's.
    expect(ROUTES.filter((r) => r.plane === 'anchor').map((r) => [r.id, r.roles])).toEqual([['anchorAuditNow', ['auditor']]]);
    expect(ROUTES.filter((r) => r.roles?.every((x) => x === 'operator') && r.plane === 'data')).toEqual([]);
  });
});
