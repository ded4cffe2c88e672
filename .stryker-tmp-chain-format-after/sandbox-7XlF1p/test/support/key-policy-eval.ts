// @ts-nocheck
import type { KeyPolicyDocument, KeyPolicyStatement } from '../../shared/crypto/key-policy';

/**
 * A small evaluator of a KMS key policy for a request in the key's own account, following KMS's
 * documented rules: an explicit Deny in the key policy or the caller's IAM policies wins; a key
 * policy statement naming the caller's role allows on its own; one naming the account root only
 * delegates to IAM, so it allows when the caller's IAM policies allow too; nothing else allows.
 * It knows the condition operators key policies here use (String*, Arn*, ForAllValues, Null).
 *
 * Why not an off-the-shelf simulator: @cloud-copilot/iam-simulate 0.1.173 was tried; its validating
 * entry point drops request context keys of the form `kms:EncryptionContext:<key>` (its matcher
 * knows only `prefix/<key>` variables), and its unvalidated one throws on any resource policy.
 */
export interface KeyRequest {
  /** The caller's role ARN (a session of it; aws:PrincipalArn). */
  roleArn: string;
  action: string;
  /** Request context keys, e.g. `kms:EncryptionContext:tenant`, `aws:TagKeys`. */
  context?: Record<string, string | string[]>;
  /** The session's tags (aws:PrincipalTag/<tag>). */
  principalTags?: Record<string, string>;
  /** The caller's IAM policy statements (identity policies), Resource `*` assumed. */
  iam?: { Effect: 'Allow' | 'Deny'; Action: string | string[] }[];
}

export type KeyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'i' : '');
  return re.test(value);
}

function contextValue(key: string, req: KeyRequest): string[] | undefined {
  if (key === 'aws:PrincipalArn') return [req.roleArn];
  if (key.startsWith('aws:PrincipalTag/')) {
    const v = req.principalTags?.[key.slice('aws:PrincipalTag/'.length)];
    return v === undefined ? undefined : [v];
  }
  const v = req.context?.[key];
  return v === undefined ? undefined : list(v);
}

function conditionHolds(operator: string, key: string, expected: string | string[], req: KeyRequest): boolean {
  const actual = contextValue(key, req);
  const wanted = list(expected);
  const [qualifier, op] = operator.includes(':') ? (operator.split(':') as [string, string]) : [undefined, operator];
  if (op === 'Null') return (wanted[0] === 'true') === (actual === undefined);
  const match = (a: string): boolean => {
    switch (op) {
      case 'StringEquals':
      case 'ArnEquals':
        return wanted.includes(a);
      case 'StringLike':
      case 'ArnLike':
        return wanted.some((w) => glob(w, a));
      case 'StringNotEquals':
      case 'ArnNotEquals':
        return !wanted.includes(a);
      default:
        throw new Error(`Unsupported condition operator ${operator}`);
    }
  };
  if (qualifier === 'ForAllValues') return actual === undefined || actual.every(match);
  if (qualifier === 'ForAnyValue') return actual !== undefined && actual.some(match);
  // A negated operator holds when the key is missing; a positive one does not.
  if (op.includes('Not')) return actual === undefined || actual.every(match);
  return actual !== undefined && actual.some(match);
}

type PrincipalMatch = 'direct' | 'account' | 'none';

function principalMatch(s: KeyPolicyStatement, req: KeyRequest): PrincipalMatch {
  if (s.Principal === '*') return 'direct';
  const account = req.roleArn.split(':')[4];
  for (const p of list(s.Principal.AWS)) {
    if (p === req.roleArn) return 'direct';
    if (p === `arn:aws:iam::${account}:root`) return 'account';
  }
  return 'none';
}

function applies(s: KeyPolicyStatement, req: KeyRequest): PrincipalMatch {
  if (!s.Action.some((a) => glob(a, req.action, true))) return 'none';
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) if (!conditionHolds(operator, key, expected, req)) return 'none';
  }
  return principalMatch(s, req);
}

/** Would KMS allow this same-account request on a key with this policy? */
export function evaluateKeyPolicy(policy: KeyPolicyDocument, req: KeyRequest): KeyDecision {
  const iam = req.iam ?? [];
  const iamMatches = (effect: 'Allow' | 'Deny') => iam.some((s) => s.Effect === effect && list(s.Action).some((a) => glob(a, req.action, true)));
  if (iamMatches('Deny') || policy.Statement.some((s) => s.Effect === 'Deny' && applies(s, req) !== 'none')) return 'explicit-deny';
  const allows = policy.Statement.filter((s) => s.Effect === 'Allow').map((s) => applies(s, req));
  if (allows.includes('direct')) return 'allow';
  if (allows.includes('account') && iamMatches('Allow')) return 'allow';
  return 'implicit-deny';
}
