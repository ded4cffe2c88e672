import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/** CodeDeploy's predefined Lambda configurations the config may name (infra/config.ts `rollout`). */
export const DEPLOYMENT_CONFIGS = {
  Canary10Percent5Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  Canary10Percent10Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
  Canary10Percent30Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
  Linear10PercentEvery1Minute: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  AllAtOnce: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
} as const;
export type DeploymentConfigName = keyof typeof DEPLOYMENT_CONFIGS;

/** The alias API Gateway invokes; CodeDeploy shifts it from the old version to the new one. */
export const LIVE_ALIAS = 'live';

export interface RolloutProps {
  stage: string;
  /** The functions API Gateway reaches through their `live` alias, by name. */
  functions: { name: string; fn: lambda.Function }[];
  deploymentConfig: DeploymentConfigName;
}

/**
 * Safe rollout of the data plane: each function gets a published version per deployment and a
 * `live` alias that API Gateway invokes. A deployment moves the alias by CodeDeploy: first 10 % of
 * the calls for 5 minutes (the configured canary), then all of them; if a rollback alarm fires in
 * between (added by the monitoring once it exists), CodeDeploy moves the alias back and
 * CloudFormation rolls the stack back. One CodeDeploy application and one service role serve every
 * function's deployment group, so the cost is an alias and a group per function.
 */
export class Rollout extends Construct {
  readonly aliases: Record<string, lambda.Alias> = {};
  readonly groups: Record<string, codedeploy.LambdaDeploymentGroup> = {};
  readonly application: codedeploy.LambdaApplication;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RolloutProps) {
    super(scope, id);
    this.application = new codedeploy.LambdaApplication(this, 'Application');
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'CodeDeploy shifts the live aliases of the Fellesjournal data functions',
    });
    acknowledge(
      this.role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'The AWS-documented service role policy for CodeDeploy on Lambda (limited variant): read the alias and versions, update the alias, read the rollback alarms, publish to SNS topics named CodeDeployTopic*. Only codedeploy.amazonaws.com may assume the role.',
    );
    for (const { name, fn } of props.functions) {
      // Old versions stay: a rollback, or a deployment still shifting, points at them.
      const version = fn.currentVersion;
      (version.node.defaultChild as lambda.CfnVersion).applyRemovalPolicy(RemovalPolicy.RETAIN);
      const alias = new lambda.Alias(this, `${name}Live`, { aliasName: LIVE_ALIAS, version, description: `What API Gateway invokes; moved by CodeDeploy (${props.deploymentConfig})` });
      this.aliases[name] = alias;
      this.groups[name] = new codedeploy.LambdaDeploymentGroup(this, `${name}Deployment`, {
        application: this.application,
        alias,
        role: this.role,
        deploymentConfig: DEPLOYMENT_CONFIGS[props.deploymentConfig],
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
    }
  }

  /** Alarms a deployment of the named function rolls back on (CodeDeploy takes up to 10 per group). */
  addRollbackAlarms(name: string, alarms: cloudwatch.IAlarm[]): void {
    const group = this.groups[name];
    if (!group) throw new Error(`No deployment group for ${name}`);
    for (const a of alarms) group.addAlarm(a);
  }
}
