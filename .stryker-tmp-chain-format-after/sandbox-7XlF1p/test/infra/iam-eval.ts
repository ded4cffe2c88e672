// @ts-nocheck
import type { Statement } from './support';

/**
 * A small evaluator for the identity-policy features our templates use (Allow/Deny, action and
 * resource wildcards, StringEquals, StringNotEquals, StringLike, ArnLike, ...IfExists, Null,
 * ForAllValues/ForAnyValue:String*,
 * `${aws:PrincipalTag/...}` variables). It lets tests ask "would IAM allow this request?" of the
 * synthesized policies instead of only checking that some text is present. Resources written as
 * CloudFormation intrinsics resolve to `<LogicalId>` (GetAtt Arn / Ref), so requests name
 * resources that way, e.g. `<Tablesjournal66009275>/index/gsi1`.
 */
export interface IamRequest {
  action: string;
  resource: string;
  /** Condition keys of the request (request context), single- or multi-valued. */
  context?: Record<string, string | string[]>;
  /** The caller's principal tags (session tags), for policy variables. */
  principalTags?: Record<string, string>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export function resolveIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    if (Array.isArray(v['Fn::GetAtt'])) return `<${String((v['Fn::GetAtt'] as unknown[])[0])}>`;
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(resolveIntrinsic).join(sep);
    }
  }
  throw new Error(`Unsupported intrinsic in policy: ${JSON.stringify(value)}`);
}

function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'i' : '');
  return re.test(value);
}

function substitute(value: string, req: IamRequest): string | undefined {
  let missing = false;
  const out = value.replace(/\$\{aws:PrincipalTag\/([^}]+)\}/g, (_m, tag: string) => {
    const v = req.principalTags?.[tag];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  // A variable with no value makes the condition value unusable: it matches nothing.
  return missing ? undefined : out;
}

function values(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map(String);
}

function conditionHolds(operator: string, key: string, expected: unknown, req: IamRequest): boolean {
  // The caller's own tags are condition keys too (aws:PrincipalTag/<tag>).
  const raw = key.startsWith('aws:PrincipalTag/') ? req.principalTags?.[key.slice('aws:PrincipalTag/'.length)] : req.context?.[key];
  const present = raw !== undefined && !(Array.isArray(raw) && raw.length === 0);
  const actual = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const patterns = values(expected).map((e) => substitute(e, req)).filter((e): e is string => e !== undefined);
  const [qualifier, rawOp] = operator.includes(':') ? operator.split(':') : [undefined, operator];
  // `...IfExists`: holds when the request has no such key, else it is the plain operator.
  const ifExists = rawOp.endsWith('IfExists');
  const op = ifExists ? rawOp.slice(0, -'IfExists'.length) : rawOp;
  if (ifExists && !present) return true;
  const match = (a: string) => {
    switch (op) {
      case 'StringEquals':
        return patterns.includes(a);
      case 'StringLike':
        return patterns.some((p) => glob(p, a));
      case 'StringNotEquals':
        return !patterns.includes(a);
      case 'ArnLike':
        return patterns.some((p) => glob(p, a));
      default:
        throw new Error(`Unsupported condition operator ${operator}`);
    }
  };
  if (op === 'Null') return values(expected)[0] === 'true' ? !present : present;
  if (qualifier === 'ForAllValues') return !present || actual.every(match);
  if (qualifier === 'ForAnyValue') return present && actual.some(match);
  if (op === 'StringNotEquals') return !present || actual.every(match);
  return present && actual.some(match);
}

function applies(s: Statement, req: IamRequest): boolean {
  const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
  if (!actions.some((a) => glob(a, req.action, true))) return false;
  const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(resolveIntrinsic);
  if (!resources.some((r) => glob(r, req.resource))) return false;
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) if (!conditionHolds(operator, key, expected, req)) return false;
  }
  return true;
}

export function evaluate(statements: Statement[], req: IamRequest): Decision {
  if (statements.some((s) => s.Effect === 'Deny' && applies(s, req))) return 'explicit-deny';
  return statements.some((s) => s.Effect === 'Allow' && applies(s, req)) ? 'allow' : 'implicit-deny';
}
