// @ts-nocheck
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { VENDOR_SCOPES } from '../../shared/auth/caller';
import { strictRequest } from '../../shared/contracts/strict';
import { buildOpenApi, describedByOpenApi } from '../../shared/http/openapi';
import type { RouteSpec } from '../../shared/http/route';

/** /openapi.json as a vendor's tools read it: a real linter, then the promises it makes. */

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required: boolean;
}
interface Operation {
  operationId: string;
  parameters: Parameter[];
  responses: Record<string, Json>;
  security: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Json; example?: unknown }> };
}

const doc = buildOpenApi(ROUTES, { title: 'Fellesjournal API', version: '1' }, { serverUrl: 'https://fellesjournal.example.no', tokenUrl: 'https://helseid-sts.example.no/connect/token' });
const op = (route: RouteSpec) => (doc.paths as Record<string, Record<string, Operation>>)[route.path]![route.method.toLowerCase()]!;

const dir = mkdtempSync(join(tmpdir(), 'fj-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('/openapi.json', () => {
  it('passes Redocly’s recommended rules with no error and no warning (offline)', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
    const run = await promisify(execFile)(process.execPath, [cli, 'lint', file, '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      maxBuffer: 20 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('shares components by $ref: no schema carries its own $schema or $defs, and every $ref resolves', () => {
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"$defs"');
    const schemas = (doc.components as { schemas: Json }).schemas;
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(schemas, name).toHaveProperty([name!]);
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['Problem', 'Patient', 'JournalEntry', 'SharedDocument']));
  });

  it('names its server, the OAuth2 client-credentials flow with every vendor scope, bearer and the API key', () => {
    expect(doc.servers).toEqual([{ url: 'https://fellesjournal.example.no', description: 'This deployment' }]);
    const schemes = (doc.components as { securitySchemes: Record<string, Json> }).securitySchemes;
    const flow = schemes.helseid as { type: string; flows: { clientCredentials: { tokenUrl: string; scopes: Record<string, string> } } };
    expect(flow.type).toBe('oauth2');
    expect(flow.flows.clientCredentials.tokenUrl).toBe('https://helseid-sts.example.no/connect/token');
    expect(Object.keys(flow.flows.clientCredentials.scopes).sort()).toEqual([...VENDOR_SCOPES].sort());
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }));
  });

  it('requires for each route exactly what the server enforces: the vendor’s scopes with its API key and x-tenant, If-Match where 428 answers its absence', () => {
    for (const route of ROUTES.filter(describedByOpenApi)) {
      const operation = op(route);
      const names = operation.parameters.map((p) => `${p.in}:${p.name}`);
      if (route.auth === 'public') expect(operation.security, route.id).toEqual([]);
      else if (route.scopes) expect(operation.security, route.id).toEqual([{ bearer: [] }, { helseid: [...route.scopes], apiKey: [] }]);
      else expect(operation.security, route.id).toEqual([{ bearer: [] }]);
      expect(names.includes('header:x-tenant'), route.id).toBe(route.auth === 'token' && route.tenant === 'caller' && !!route.scopes);
      const ifMatch = operation.parameters.find((p) => p.name === 'if-match');
      if (ifMatch) {
        expect(ifMatch.required, route.id).toBe(true);
        expect(operation.responses, route.id).toHaveProperty(['428']);
      } else expect(operation.responses, route.id).not.toHaveProperty(['428']);
      for (const p of operation.parameters.filter((x) => x.in === 'path')) expect(p.required).toBe(true);
      if (route.body) expect(operation.requestBody?.content['application/json']?.schema, route.id).toBeDefined();
    }
    // Idempotency-Key is enforced by the header schema: required in the document too.
    const createPatient = ROUTES.find((r) => r.id === 'createPatient')!;
    expect(op(createPatient).parameters.find((p) => p.name === 'idempotency-key')?.required).toBe(true);
  });

  it('documents every request body as closed to unknown fields, with examples the server accepts', () => {
    let examples = 0;
    for (const route of ROUTES.filter((r) => r.body && describedByOpenApi(r))) {
      const media = op(route).requestBody!.content['application/json']!;
      const text = JSON.stringify(media.schema);
      // Every object schema of the body is closed (strict), nowhere left open by omission.
      const objects = [...text.matchAll(/"type":"object"/g)].length;
      const closed = [...text.matchAll(/"additionalProperties":false/g)].length;
      expect(closed, route.id).toBeGreaterThanOrEqual(objects > 0 ? 1 : 0);
      if (media.example !== undefined) {
        examples++;
        expect(strictRequest(route.body!).safeParse(media.example).success, route.id).toBe(true);
      }
    }
    expect(examples).toBeGreaterThanOrEqual(3);
  });
});
