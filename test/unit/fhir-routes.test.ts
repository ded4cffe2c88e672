import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FHIR_BASE, FHIR_INTERACTIONS, fhirRoutes } from '../../functions/fhir/routes';

/** The FHIR route factory: every route has the one shape, so none is wired by hand. */
describe('FHIR routes', () => {
  it('are all on the data plane under /fhir/R4, served by a handler file in functions/fhir/handlers', () => {
    for (const route of fhirRoutes) {
      expect(route.service, route.id).toBe('fhir');
      expect(route.plane, route.id).toBe('data');
      expect(route.path === FHIR_BASE || route.path.startsWith(`${FHIR_BASE}/`), route.path).toBe(true);
      expect(route.handler, route.id).toMatch(/^functions\/fhir\/handlers\/[a-z-]+\.ts$/);
      expect(existsSync(route.handler), route.handler).toBe(true);
    }
    expect(new Set(fhirRoutes.map((r) => `${r.method} ${r.path}`)).size).toBe(fhirRoutes.length);
  });

  it('every interaction the CapabilityStatement lists names a route of the table', () => {
    const ids = new Set(fhirRoutes.map((r) => r.id));
    for (const i of FHIR_INTERACTIONS) expect(ids.has(i.routeId), i.routeId).toBe(true);
  });
});
