import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** The EMF lines written while `fn` runs (Powertools writes one JSON object per publish to stdout). */
function emfLines(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('per-tenant metric', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('publishes each request at once under its own municipality, the dimension kept from one request to the next', async () => {
    // The test projects switch metrics off; this test reads what they would publish.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.resetModules();
    const { tenantMetric } = await import('../../shared/observability');
    const lines = emfLines(() => {
      tenantMetric('0301').addMetric('TenantRequests', MetricUnit.Count, 1);
      tenantMetric('4601').addMetric('TenantThrottled', MetricUnit.Count, 1);
      tenantMetric('0301').addMetric('TenantRequests', MetricUnit.Count, 1);
    });
    expect(lines.map((l) => [l.tenant, 'TenantRequests' in l ? 'TenantRequests' : 'TenantThrottled'])).toEqual([
      ['0301', 'TenantRequests'],
      ['4601', 'TenantThrottled'],
      ['0301', 'TenantRequests'],
    ]);
    for (const l of lines) {
      const dims = (l._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]!.Dimensions.flat();
      expect(dims).toContain('tenant');
    }
  });
});
