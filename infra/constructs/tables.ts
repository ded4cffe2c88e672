import { Aws, CfnOutput, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type IndexDefinition, type TableDefinition, type TableId } from '../../shared/db/tables';
import { TABLE_ENV } from '../../shared/config/env-names';
import { acknowledge } from './nag';

/** An index's projection as shared/db/tables.ts defines it (the same the local bootstrap creates). */
function projectionOf(index: IndexDefinition): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  if (!index.include) return { projectionType: dynamodb.ProjectionType.ALL };
  if (index.include.length === 0) return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] };
}

/**
 * The tables of shared/db/tables.ts (the same list the local runtime creates): on demand, point-in
 * -time recovery, deletion protection, the region's data key, kept when the stack goes, and in a
 * backup plan whose vault is kept too.
 */
export class Tables extends Construct {
  readonly byId: Record<TableId, dynamodb.Table>;
  readonly definitions: readonly TableDefinition[] = TABLES;

  constructor(scope: Construct, id: string, props: { stage: string; key: kms.IKey; dr?: { backupVaultArn: string; copyRetentionDays: number } }) {
    super(scope, id);
    const byId = {} as Record<TableId, dynamodb.Table>;
    for (const def of TABLES) {
      // No fixed name: the table is retained, and a retained table with a fixed name would make a
      // retry of a rolled-back first deploy fail ("already exists"). The functions are told the
      // name (environment); the ops tool by the stack's outputs (FJ_TABLE_*, docs/operations/restore.md).
      const table = new dynamodb.Table(this, def.id, {
        partitionKey: { name: def.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: def.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: props.key,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
        ...(def.stream ? { stream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
      });
      for (const index of def.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
          ...projectionOf(index),
        });
      }
      byId[def.id] = table;
      new CfnOutput(this, `${def.id}Name`, { key: `Table${def.id.charAt(0).toUpperCase()}${def.id.slice(1)}`, value: table.tableName, description: `${TABLE_ENV[def.id]} for npm run ops (backup export, restore)` });
    }
    this.byId = byId;

    // PITR gives 35 days to the second; the plan adds monthly copies kept for a year, in a vault
    // that survives the stack and the tables.
    // Retained like the tables, so its name must differ from one stack to the next: CDK would
    // otherwise derive a fixed one from the construct path, and a retry of a rolled-back first
    // deploy would find the old vault. The stack id's last group makes it unique; nothing
    // addresses the vault by name (the plan holds a reference; the DR vault is another region's).
    const vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: `fj-${props.stage}-tables-${Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))))}`,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Disaster recovery: every recovery point is also copied to a vault in a second EU/EEA region
    // (docs/operations/restore.md), so losing this region loses at most a day.
    const copyActions = props.dr
      ? [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'DrVault', props.dr.backupVaultArn), deleteAfter: Duration.days(props.dr.copyRetentionDays) }]
      : undefined;
    new CfnOutput(this, 'VaultName', { key: 'BackupVaultName', value: vault.backupVaultName, description: 'AWS Backup vault of the tables (docs/operations/restore.md)' });
    // A fixed name is safe here (the plan is not retained: a rolled-back deploy removes it) and the
    // restore runbook names the plan.
    const plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `fellesjournal-${props.stage}-tables`,
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({ ruleName: 'Daily', scheduleExpression: events.Schedule.cron({ hour: '2', minute: '0' }), deleteAfter: Duration.days(35), ...(copyActions ? { copyActions } : {}) }),
        new backup.BackupPlanRule({ ruleName: 'Monthly', scheduleExpression: events.Schedule.cron({ day: '1', hour: '3', minute: '0' }), deleteAfter: Duration.days(365), ...(copyActions ? { copyActions } : {}) }),
      ],
    });
    const selection = plan.addSelection('Tables', { resources: Object.values(byId).map((t) => backup.BackupResource.fromDynamoDbTable(t)) });
    acknowledge(
      selection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AWS Backup\'s documented service-role policy, maintained by AWS as backup APIs change. The role can only be assumed by AWS Backup, which acts only on the resources this plan selects (the four tables).',
    );
  }
}

