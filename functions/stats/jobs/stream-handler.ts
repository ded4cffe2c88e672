import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '../../../shared/config';
import { applyStatsChanges } from '../aggregator';
import type { StatsChange } from '../contributions';

/** Which of our tables a stream record comes from (its source ARN names the table). */
function tableOf(arn: string | undefined): StatsChange['table'] | undefined {
  const name = /:table\/([^/]+)\/stream\//.exec(arn ?? '')?.[1];
  const { journal, audit } = config().tables;
  return name === journal ? 'journal' : name === audit ? 'audit' : undefined;
}

/**
 * DynamoDB Streams of the journal and audit tables (infra/constructs/stats-aggregator.ts). A
 * failure fails the batch and Lambda redelivers it; every count is idempotent per stream record.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<{ counted: number }> {
  const changes: StatsChange[] = [];
  for (const r of event.Records) {
    const table = tableOf(r.eventSourceARN);
    if (!table || !r.eventID || !r.eventName) continue;
    const image = r.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
    changes.push({ table, eventId: r.eventID, eventName: r.eventName, ...(image ? { newImage: unmarshall(image) } : {}) });
  }
  return applyStatsChanges(changes);
}
