import { Aws, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { managedRules } from '../constructs/api';

/** CloudFront takes web ACLs (and certificates) from us-east-1 only. */
export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  config: InfraConfig;
}

/**
 * The one global piece: a CLOUDFRONT-scope web ACL, which AWS accepts only in us-east-1. At the
 * edge WAF sees the viewer's own address, so the per-IP rate limit counts users (or a
 * municipality's NAT), not CloudFront's edge servers as the regional ACL behind CloudFront does.
 * Every region's distribution refers to it; the regions still share nothing with each other, and
 * nothing here holds data: if us-east-1 is down, the distributions keep the ACL they have.
 */
export class EdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const stage = config.stage;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `fellesjournal-${stage}-edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      // Sampled requests would keep request details (paths, headers) in WAF's console; metrics suffice.
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `fellesjournal-${stage}-edge`, sampledRequestsEnabled: false },
      rules: [
        ...managedRules(0),
        {
          name: 'RatePerClientIp',
          priority: 10,
          action: { block: {} },
          // At the edge the source address is the viewer's: one client (or one municipal NAT).
          statement: { rateBasedStatement: { limit: config.api.wafRateLimitPer5Min, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RatePerClientIp', sampledRequestsEnabled: false },
        },
      ],
    });

    const key = new kms.Key(this, 'LogsKey', {
      alias: `alias/fellesjournal/${stage}/edge-logs`,
      description: 'Fellesjournal edge web ACL logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncrypts',
        principals: [new iam.ServicePrincipal(`logs.${EDGE_REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${EDGE_REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
      }),
    );
    // WAF logs only to groups named aws-waf-logs-*; the stack id's UUID keeps a retained group of a
    // rolled-back first deploy from blocking the retry.
    const logGroupName = `aws-waf-logs-fellesjournal-${stage}-edge-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`;
    this.logs = new logs.LogGroup(this, 'WafLogs', {
      logGroupName,
      encryptionKey: key,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [`arn:aws:logs:${EDGE_REGION}:${Aws.ACCOUNT_ID}:log-group:${logGroupName}`],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'x-api-key' } }, { singleHeader: { Name: 'cookie' } }, { queryString: {} }],
    });
    logging.node.addDependency(this.logs);
  }
}
