// @ts-nocheck
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../local/demo-data';
import { handler } from '../../infra/functions/authorizer';
import { AUTHORIZER_ENV } from '../../infra/functions/usage-keys';
import { useTestStack } from '../support/local-stack';
import { personToken } from '../support/tokens';

/**
 * The API Gateway authorizer verifies tokens with the same fail-closed checks as the handlers
 * (here against the local issuer's JWKS, as it would against HelseID's): the audience is required.
 */
const stack = useTestStack({ seed: false });
const pid = DEMO_USERS[0]?.pid ?? '';
const event = (token: string) =>
  ({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:eu-north-1:111111111111:api/prod/GET/v1/me', headers: { Authorization: `Bearer ${token}` }, requestContext: { requestId: 'r1' } }) as unknown as APIGatewayRequestAuthorizerEvent;

describe('the API Gateway authorizer', () => {
  it('allows a token for this API and refuses one for another audience or dated ahead (401 via the gateway response)', async () => {
    process.env[AUTHORIZER_ENV.webUsageKey] = 'fj-web-test';
    const allowed = await handler(event(await personToken(stack.issuer, { pid })));
    expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    await expect(handler(event(await personToken(stack.issuer, { pid }, { audience: 'another-api' })))).rejects.toThrow('Unauthorized');
    await expect(handler(event(await personToken(stack.issuer, { pid }, { issuedAt: Math.floor(Date.now() / 1000) + 600 })))).rejects.toThrow('Unauthorized');
  });
});
