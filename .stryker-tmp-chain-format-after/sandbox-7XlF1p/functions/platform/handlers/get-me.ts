// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { getMe } from '../routes';

export const handler = httpHandler(getMe, async ({ caller }) => ({
  status: 200,
  body: {
    sub: caller.sub,
    kind: caller.kind,
    name: caller.name,
    hpr: caller.hpr,
    profession: caller.profession,
    tenant: caller.tenant,
    unit: caller.unit,
    roles: caller.roles,
    scopes: caller.scopes,
    expiresAt: caller.expiresAt,
  },
}));
