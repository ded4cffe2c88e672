// @ts-nocheck
import { fhirHandler } from '../fhir-http';
import { provideDocumentBundle } from '../document-provide';
import { fhirProvideDocumentBundleRoute } from '../routes';

export const handler = fhirHandler(fhirProvideDocumentBundleRoute, async ({ body, headers, tenant, session, sessions, caller, requestId, registry }) => {
  const { created, bundle } = await provideDocumentBundle({ tenant, session, sessions, caller, requestId, registry }, body, headers['idempotency-key']);
  return { status: created ? 201 : 200, body: bundle };
});
