import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestedStack, Stack, type App, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, stackName, type BuildOptions } from '../../infra/app-builder';
import { parseInfraConfig, type InfraConfig } from '../../infra/config';
import { ServiceFunction } from '../../infra/constructs/service-function';
import { Tables } from '../../infra/constructs/tables';
import type { RegionStack } from '../../infra/stacks/region-stack';
import type { TableId } from '../../shared/db/tables';

/** Two regions: one with its own domain and certificate, one on CloudFront's default domain. */
export const TEST_CONFIG: InfraConfig = parseInfraConfig({
  stage: 'test',
  account: '111111111111',
  regions: [
    {
      region: 'eu-north-1',
      domainName: 'nord.fellesjournal.example',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/0a1b2c3d-0000-4000-8000-000000000001',
    },
    { region: 'eu-west-1' },
  ],
  oidc: {
    issuer: 'https://helseid-sts.test.example',
    jwksUrl: 'https://helseid-sts.test.example/.well-known/openid-configuration/jwks',
    audience: 'fellesjournal',
    webClientId: 'fellesjournal-web',
  },
  alarmEmail: 'drift@fellesjournal.example',
  api: {
    vendorPlans: {
      standard: { rateLimit: 10, burstLimit: 20, quota: { limit: 50_000, period: 'DAY' } },
      large: { rateLimit: 50, burstLimit: 100 },
    },
  },
});

export interface Synthesized {
  app: App;
  stacks: RegionStack[];
  /** Templates by region. */
  templates: Record<string, Template>;
  /**
   * Template JSON by region: the region stack's resources together with those of its nested stacks
   * (monitoring), whose parameters are replaced by the values the region stack passes, so a
   * reference reads the same wherever the resource lives.
   */
  json: Record<string, TemplateJson>;
  /** The region stack's own template, and each nested stack's, by region: what CloudFormation's per-stack limits apply to. */
  raw: Record<string, { parent: TemplateJson; nested: Record<string, TemplateJson> }>;
}

export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] | string; Metadata?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
}

/** A value with every `Fn::GetAtt` of a nested stack's output replaced by the output's value. */
function resolveOutputs(value: unknown, outputs: Record<string, Record<string, unknown>>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveOutputs(v, outputs));
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && Object.keys(v).length === 1) {
      const out = outputs[String(att[0])]?.[String(att[1])];
      if (out !== undefined) return out;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveOutputs(x, outputs)]));
  }
  return value;
}

/** A value with every `{ Ref: <parameter> }` replaced by the parameter's given value. */
function substitute(value: unknown, params: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, params));
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string' && Object.keys(v).length === 1 && v.Ref in params) return params[v.Ref];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, params)]));
  }
  return value;
}

/**
 * Builds and synthesizes the app once (call at module level of a test file and share the result):
 * bundling runs once per process, and the templates come from the one synthesized assembly. The
 * cdk-nag packs run as in `npm run synth`: any unacknowledged finding makes this throw.
 * CDK's built-in CloudFormation schema validation (about 10 s) runs in `npm run synth`, not here.
 */
export async function synthesize(config: InfraConfig = TEST_CONFIG, options: BuildOptions = {}): Promise<Synthesized> {
  const { app, stacks } = await buildApp(config, {
    nag: true,
    outdir: mkdtempSync(join(tmpdir(), 'fj-cdk-test-')),
    builtinCloudFormationValidation: false,
    ...options,
  });
  const assembly = app.synth();
  const json: Synthesized['json'] = {};
  const raw: Synthesized['raw'] = {};
  const templates: Record<string, Template> = {};
  for (const [i, region] of config.regions.entries()) {
    const parent = assembly.getStackByName(stackName(config, region.region)).template as TemplateJson;
    const merged: TemplateJson = { ...parent, Resources: { ...parent.Resources } };
    const nested: Record<string, TemplateJson> = {};
    for (const child of stacks[i]!.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c))) {
      const template = JSON.parse(readFileSync(join(assembly.directory, child.templateFile), 'utf8')) as TemplateJson;
      nested[child.node.id] = template;
      const resourceId = stacks[i]!.getLogicalId(child.nestedStackResource as CfnResource);
      const params = (parent.Resources[resourceId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
      for (const [id, resource] of Object.entries(template.Resources)) {
        if (merged.Resources[id]) throw new Error(`Logical id ${id} is in the region stack and in nested stack ${child.node.id}`);
        merged.Resources[id] = substitute(resource, params) as TemplateJson['Resources'][string];
      }
    }
    // And references to a nested stack's outputs (the region stack's own, or another nested
    // stack's handed in as a parameter) read as the output's value.
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const child of stacks[i]!.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c))) {
      const resourceId = stacks[i]!.getLogicalId(child.nestedStackResource as CfnResource);
      const params = (parent.Resources[resourceId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
      outputs[resourceId] = Object.fromEntries(Object.entries((nested[child.node.id]!.Outputs ?? {}) as Record<string, { Value: unknown }>).map(([k, o]) => [`Outputs.${k}`, substitute(o.Value, params)]));
    }
    for (const id of Object.keys(merged.Resources)) merged.Resources[id] = resolveOutputs(merged.Resources[id], outputs) as TemplateJson['Resources'][string];
    if (parent.Outputs) merged.Outputs = resolveOutputs(parent.Outputs, outputs) as TemplateJson['Outputs'];
    raw[region.region] = { parent, nested };
    json[region.region] = merged;
    templates[region.region] = Template.fromJSON(merged);
  }
  return { app, stacks, templates, json, raw };
}

type Resource = Synthesized['json'][string]['Resources'][string];

/** Resources of a type, with their logical ids. */
export function resourcesOf(template: Synthesized['json'][string], type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

export function actions(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

export function resourcesOfStatement(s: Statement): unknown[] {
  return Array.isArray(s.Resource) ? s.Resource : [s.Resource];
}

/** Every statement of every managed and inline policy attached to a role (by its logical id). */
export function statementsOfRole(template: Synthesized['json'][string], roleLogicalId: string): Statement[] {
  const out: Statement[] = [];
  for (const [, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::IAM::ManagedPolicy' && r.Type !== 'AWS::IAM::Policy') continue;
    const roles = (r.Properties?.Roles ?? []) as { Ref?: string }[];
    if (!roles.some((x) => x.Ref === roleLogicalId)) continue;
    out.push(...((r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement));
  }
  const role = template.Resources[roleLogicalId];
  for (const p of (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) out.push(...p.PolicyDocument.Statement);
  return out;
}

/** Logical id of the `Fn::GetAtt`/`Ref` target in a CloudFormation value, or the string itself. */
export function refOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt'])) return String((v['Fn::GetAtt'] as unknown[])[0]);
  }
  return undefined;
}

/** JSON text of a value, for "mentions this resource" checks on joined ARNs. */
export function text(value: unknown): string {
  return JSON.stringify(value);
}

/** Logical id of a construct's CloudFormation resource in whichever (nested) stack holds it. */
function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);
}

/**
 * Logical id of a project function by its name (`journal`, `stats-aggregator`, …) under `root`:
 * functions have no fixed AWS names, so tests find them through the construct tree.
 */
export function functionId(root: IConstruct, name: string): string {
  const found = root.node.findAll().find((c): c is ServiceFunction => c instanceof ServiceFunction && c.name === name);
  if (!found) throw new Error(`no function named ${name}`);
  return logicalIdOf(found.fn);
}

/** Logical id of a table (shared/db/tables.ts id) under `root`; tables have no fixed AWS names. */
export function tableId(root: IConstruct, id: TableId): string {
  const tables = root.node.findAll().find((c): c is Tables => c instanceof Tables);
  if (!tables) throw new Error('no tables');
  return logicalIdOf(tables.byId[id]);
}
