// @ts-nocheck
import { defineService } from '../../shared/http/service';
import { anchorNowResultSchema } from '../../shared/contracts/audit';

/**
 * The anchoring job's one route: the tenant's auditor anchors their own municipality now, outside
 * the beat. Plane `anchor`: the function runs with the anchoring job's rights (kms:Sign on the
 * anchor key, write-once anchor store), never the data plane's; it reads no patient data.
 */

const anchor = defineService({
  service: 'anchor',
  problems: {
    403: 'Not allowed for this role, or the tenant is suspended',
    409: 'Another run wrote the next tree head at the same moment twice; call again',
  },
});

export const anchorAuditNow = anchor.route({
  id: 'anchorAuditNow',
  method: 'POST',
  path: '/v1/audit/anchor',
  handler: 'functions/anchor/handlers/anchor-now.ts',
  plane: 'anchor',
  summary: "Sign a tree head over the caller's municipality's audit streams now (as the anchoring beat does) and return it",
  auth: 'token',
  roles: ['auditor'],
  tenant: 'caller',
  problems: [409],
  responses: { 200: { description: 'The new signed tree head', schema: anchorNowResultSchema } },
});

export const anchorRoutes = [anchorAuditNow];
