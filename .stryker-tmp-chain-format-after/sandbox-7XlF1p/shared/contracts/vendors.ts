// @ts-nocheck
import * as z from './zod';
import { VENDOR_SCOPES } from '../auth/caller';
import { trimmedString } from './common';
import { orgNumberSchema } from './identifiers';

export const clientIdSchema = z.string().check(z.regex(/^vnd-[0-9a-f]{16}$/, 'Klient-id: vnd- og 16 heksadesimale tegn'));
export const vendorScopeSchema = z.enum(VENDOR_SCOPES);

/** A public key the vendor registers for private_key_jwt client authentication (HelseID style). */
export const publicJwkSchema = z
  .strictObject({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.optional(z.string().check(z.maxLength(200))),
    alg: z.optional(z.string().check(z.maxLength(20))),
    use: z.optional(z.literal('sig')),
    n: z.optional(z.string()),
    e: z.optional(z.string()),
    crv: z.optional(z.string()),
    x: z.optional(z.string()),
    y: z.optional(z.string()),
  })
  .check(z.refine((k) => (k.kty === 'RSA' ? !!k.n && !!k.e : !!k.crv && !!k.x), { message: 'Ufullstendig offentlig nøkkel' }));

export const registerVendorBodySchema = z.object({
  name: trimmedString(2, 200),
  orgNumber: orgNumberSchema,
  contact: z.object({
    name: trimmedString(2, 200),
    email: z.email(),
    phone: z.optional(z.string().check(z.trim(), z.regex(/^\+?[0-9 ]{8,20}$/))),
  }),
  publicKeyJwk: z.optional(publicJwkSchema),
  /** The usage plan (throttling, quota) its API key joins. */
  plan: z._default(z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)), 'standard'),
});
export type RegisterVendorBody = z.infer<typeof registerVendorBodySchema>;

export const vendorPathSchema = z.object({ clientId: clientIdSchema });

export const vendorGrantSchema = z.object({
  clientId: z.string(),
  tenant: z.string(),
  vendorName: z.optional(z.string()),
  status: z.enum(['active', 'revoked']),
  scopes: z.array(z.string()),
  grantedAt: z.string(),
  grantedBy: z.string(),
  revokedAt: z.optional(z.string()),
  revokedBy: z.optional(z.string()),
});
export type VendorGrantView = z.infer<typeof vendorGrantSchema>;

export const vendorSchema = z
  .object({
    clientId: z.string(),
    name: z.string(),
    orgNumber: z.string(),
    contact: z.object({ name: z.string(), email: z.string(), phone: z.optional(z.string()) }),
    status: z.enum(['active', 'disabled']),
    apiKeyId: z.string(),
    plan: z.optional(z.string()),
    usagePlanId: z.optional(z.string()),
    hasPublicKey: z.boolean(),
    secretCreatedAt: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    changedAt: z.optional(z.string()),
    changedBy: z.optional(z.string()),
    grants: z.optional(z.array(vendorGrantSchema)),
  })
  .register(z.globalRegistry, { id: 'Vendor' });
export type VendorView = z.infer<typeof vendorSchema>;

/** The operator's list: every vendor with the grants municipalities gave it (active and revoked). */
export const vendorListSchema = z.object({ items: z.array(z.extend(vendorSchema, { grants: z.array(vendorGrantSchema) })) });

/** Shown once, at registration or rotation; only a hash of the secret is kept. */
export const vendorCredentialsSchema = z.object({
  vendor: vendorSchema,
  clientId: z.string(),
  clientSecret: z.string(),
  /** The API Gateway API key (x-api-key); absent on secret rotation. */
  apiKey: z.optional(z.string()),
  tokenEndpoint: z.optional(z.string()),
});

export const disableVendorBodySchema = z.object({ reason: trimmedString(3, 500) });

/** What a tenant admin sees of the vendor catalogue: no secrets, no contact details beyond the org. */
export const vendorCatalogueEntrySchema = z.object({
  clientId: z.string(),
  name: z.string(),
  orgNumber: z.string(),
  status: z.enum(['active', 'disabled']),
});
export const vendorCatalogueSchema = z.object({ items: z.array(vendorCatalogueEntrySchema) });

export const grantVendorBodySchema = z.object({
  scopes: z
    .array(vendorScopeSchema)
    .check(z.minLength(1), z.maxLength(VENDOR_SCOPES.length), z.refine((s) => new Set(s).size === s.length, { message: 'Samme scope to ganger' })),
});
export const grantListSchema = z.object({ items: z.array(vendorGrantSchema) });

