import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type Projection,
} from '@aws-sdk/client-dynamodb';
import { TABLES, tableName, type IndexDefinition } from '../shared/db/tables';

/** An index's projection as shared/db/tables.ts defines it (the same CDK deploys). */
export function projectionOf(index: IndexDefinition): Projection {
  if (!index.include) return { ProjectionType: 'ALL' };
  if (index.include.length === 0) return { ProjectionType: 'KEYS_ONLY' };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] };
}

/** Creates every table of shared/db/tables.ts (the same definitions CDK uses); existing ones are kept. */
export async function createTables(client: DynamoDBClient, stage: string): Promise<void> {
  await Promise.all(
    TABLES.map(async (def) => {
      const name = tableName(stage, def.id);
      const attributes = new Map<string, AttributeDefinition>();
      for (const a of [def.partitionKey, def.sortKey, ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
        attributes.set(a, { AttributeName: a, AttributeType: 'S' });
      }
      try {
        await client.send(
          new CreateTableCommand({
            TableName: name,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [...attributes.values()],
            KeySchema: [
              { AttributeName: def.partitionKey, KeyType: 'HASH' },
              { AttributeName: def.sortKey, KeyType: 'RANGE' },
            ],
            GlobalSecondaryIndexes: def.indexes.length
              ? def.indexes.map((i) => ({
                  IndexName: i.name,
                  KeySchema: [
                    { AttributeName: i.partitionKey, KeyType: 'HASH' },
                    { AttributeName: i.sortKey, KeyType: 'RANGE' },
                  ],
                  Projection: projectionOf(i),
                }))
              : undefined,
            ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
          }),
        );
        if (def.ttlAttribute) {
          await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }));
        }
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        await client.send(new DescribeTableCommand({ TableName: name }));
      }
    }),
  );
}
