// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { etagOf, expectVersion } from '../../shared/http/etag';

/** The If-Match check that stops a lost update: which header values name which version (RFC 9110 strong comparison). */
describe('ETag / If-Match edges', () => {
  it('writes the version as a strong quoted tag', () => {
    expect(etagOf(1)).toBe('"v1"');
    expect(etagOf(123456789)).toBe('"v123456789"');
  });

  it('reads the version a client sends back, with the whitespace a header may carry', () => {
    expect(expectVersion('"v1"')).toBe(1);
    expect(expectVersion(' "v42"\t')).toBe(42);
    expect(expectVersion('"v999999999"')).toBe(999_999_999);
  });

  it('asks for If-Match (428) when it is missing, blank or a wildcard that would match any version', () => {
    for (const v of [undefined, '', '   ', '*', ' * ']) {
      expect(() => expectVersion(v)).toThrow(expect.objectContaining({ kind: 'precondition-required', message: 'Endringer krever If-Match med ETag fra siste lesing.' }) as Error);
    }
  });

  it('refuses (412) anything that is not exactly one strong tag of ours', () => {
    for (const v of ['"v"', '"v1234567890"', 'x"v3"', '"v3"x', '"v3", "v4"', '"V3"', '"v-3"', '"v3.0"', '"v 3"', 'v3"', '"v3']) {
      expect(() => expectVersion(v), v).toThrow(expect.objectContaining({ kind: 'precondition-failed', message: 'If-Match samsvarer ikke med gjeldende versjon.' }) as Error);
    }
  });
});
