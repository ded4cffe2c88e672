// @ts-nocheck
import { PreconditionFailedError, PreconditionRequiredError } from '../errors';

/** ETags are strong and name the version: `"v3"`. If-Match compares them strongly (RFC 9110). */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * The version an If-Match header names. Absent (or `*`, which would match any version and so
 * defeat the check) is 428; a value that names no version of ours is 412.
 */
export function expectVersion(ifMatch: string | undefined): number {
  const value = ifMatch?.trim();
  if (!value || value === '*') {
    throw new PreconditionRequiredError('Endringer krever If-Match med ETag fra siste lesing.');
  }
  const m = /^"v(\d{1,9})"$/.exec(value);
  if (!m?.[1]) throw new PreconditionFailedError('If-Match samsvarer ikke med gjeldende versjon.');
  return Number(m[1]);
}
