// @ts-nocheck
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag acknowledgements. Every finding that is not fixed by a real setting is acknowledged
 * here or next to the construct it concerns, on the narrowest construct, with the reason a
 * security reviewer needs. test/infra/nag.test.ts fails on any unacknowledged finding and on any
 * acknowledgement without a substantial reason.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag prints `Fn::GetAtt [X, Arn]` in finding ids. */
export function arnRef(resource: IConstruct): string {
  const cfn = resource instanceof CfnResource ? resource : (resource.node.defaultChild as CfnResource);
  return `<${Stack.of(cfn).getLogicalId(cfn)}.Arn>`;
}

export const REASONS = {
  l1: 'nodejs22.x is the project decision (shared/TOOLCHAIN.md: tooling and tests run on Node 20/22 with middy 6); the runtime is supported by AWS and is raised with the toolchain, not by a linter.',
  syncDlq:
    'Invoked synchronously by API Gateway only: a failed request is answered to the caller (problem+json) and counted by the 5xx-rate alarm. A dead-letter queue only ever receives asynchronous events, of which this function has none.',
  vpc: 'The function reaches only AWS APIs (DynamoDB, KMS, STS, X-Ray) and the OIDC issuer\'s public JWKS, always over TLS and authorised by IAM; there are no private network resources. Data isolation is enforced by IAM (tenant-scoped role), which a VPC would not strengthen, while NAT would add cost and an egress path.',
  xray: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource must be *). The other * statements in this policy are explicit Deny statements, which only ever narrow access.',
  ownLogStreams: 'Lambda names log streams per execution environment at runtime; the grant is limited to the streams of this function\'s own log group.',
} as const;
