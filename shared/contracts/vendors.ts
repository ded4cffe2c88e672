import { z } from 'zod';
import { VENDOR_SCOPES } from '../auth/caller';
import { orgNumberSchema } from './identifiers';

export const clientIdSchema = z.string().regex(/^vnd-[0-9a-f]{16}$/, 'Klient-id: vnd- og 16 heksadesimale tegn');
export const vendorScopeSchema = z.enum(VENDOR_SCOPES);

/** A public key the vendor registers for private_key_jwt client authentication (HelseID style). */
export const publicJwkSchema = z
  .object({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.string().max(200).optional(),
    alg: z.string().max(20).optional(),
    use: z.literal('sig').optional(),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .strict()
  .refine((k) => (k.kty === 'RSA' ? !!k.n && !!k.e : !!k.crv && !!k.x), { message: 'Ufullstendig offentlig nøkkel' });

export const registerVendorBodySchema = z.object({
  name: z.string().trim().min(2).max(200),
  orgNumber: orgNumberSchema,
  contact: z.object({
    name: z.string().trim().min(2).max(200),
    email: z.email(),
    phone: z.string().trim().regex(/^\+?[0-9 ]{8,20}$/).optional(),
  }),
  publicKeyJwk: publicJwkSchema.optional(),
  /** The usage plan (throttling, quota) its API key joins. */
  plan: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/).default('standard'),
});
export type RegisterVendorBody = z.infer<typeof registerVendorBodySchema>;

export const vendorPathSchema = z.object({ clientId: clientIdSchema });

export const vendorGrantSchema = z.object({
  clientId: z.string(),
  tenant: z.string(),
  vendorName: z.string().optional(),
  status: z.enum(['active', 'revoked']),
  scopes: z.array(z.string()),
  grantedAt: z.string(),
  grantedBy: z.string(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
});
export type VendorGrantView = z.infer<typeof vendorGrantSchema>;

export const vendorSchema = z
  .object({
    clientId: z.string(),
    name: z.string(),
    orgNumber: z.string(),
    contact: z.object({ name: z.string(), email: z.string(), phone: z.string().optional() }),
    status: z.enum(['active', 'disabled']),
    apiKeyId: z.string(),
    plan: z.string().optional(),
    usagePlanId: z.string().optional(),
    hasPublicKey: z.boolean(),
    secretCreatedAt: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    changedAt: z.string().optional(),
    changedBy: z.string().optional(),
    grants: z.array(vendorGrantSchema).optional(),
  })
  .meta({ id: 'Vendor' });
export type VendorView = z.infer<typeof vendorSchema>;

export const vendorListSchema = z.object({ items: z.array(vendorSchema) });

/** Shown once, at registration or rotation; only a hash of the secret is kept. */
export const vendorCredentialsSchema = z.object({
  vendor: vendorSchema,
  clientId: z.string(),
  clientSecret: z.string(),
  /** The API Gateway API key (x-api-key); absent on secret rotation. */
  apiKey: z.string().optional(),
  tokenEndpoint: z.string().optional(),
});

export const disableVendorBodySchema = z.object({ reason: z.string().trim().min(3).max(500) });

/** What a tenant admin sees of the vendor catalogue: no secrets, no contact details beyond the org. */
export const vendorCatalogueEntrySchema = z.object({
  clientId: z.string(),
  name: z.string(),
  orgNumber: z.string(),
  status: z.enum(['active', 'disabled']),
});
export const vendorCatalogueSchema = z.object({ items: z.array(vendorCatalogueEntrySchema) });

export const grantVendorBodySchema = z.object({
  scopes: z.array(vendorScopeSchema).min(1).max(VENDOR_SCOPES.length).refine((s) => new Set(s).size === s.length, { message: 'Samme scope to ganger' }),
});
export const grantListSchema = z.object({ items: z.array(vendorGrantSchema) });

