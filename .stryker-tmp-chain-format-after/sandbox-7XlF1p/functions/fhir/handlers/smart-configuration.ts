// @ts-nocheck
import { VENDOR_SCOPES } from '../../../shared/auth/caller';
import { oidcEndpoints } from '../../../shared/http/oidc-discovery';
import { SMART_SCOPES } from '../capability';
import { fhirHandler } from '../fhir-http';
import { smartConfigurationRoute } from '../routes';

/** SMART App Launch 2 / Backend Services discovery: where and how a client gets its token. */
export const handler = fhirHandler(smartConfigurationRoute, async () => {
  const oidc = await oidcEndpoints();
  return {
    status: 200,
    headers: { 'cache-control': 'public, max-age=300' },
    body: {
      issuer: oidc.issuer,
      jwks_uri: oidc.jwksUri,
      token_endpoint: oidc.tokenEndpoint,
      grant_types_supported: ['client_credentials', 'authorization_code'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'],
      scopes_supported: [...VENDOR_SCOPES, ...Object.keys(SMART_SCOPES)],
      capabilities: ['client-confidential-asymmetric', 'permission-v2', 'permission-user'],
    },
  };
});
