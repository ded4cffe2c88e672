import { jobSession } from '../../shared/db/sessions';
import { groupBy } from '../../shared/group-by';
import { contributionOf, type StatsChange } from './contributions';
import { applyBatch } from './stats-store';

/**
 * The aggregator: keeps each municipality's statistics current from the journal's and the audit
 * log's change streams. In AWS it is fed by DynamoDB Streams (jobs/stream-handler.ts), locally by
 * the local runtime's stream feeder (local/stream-feeder.ts); the same code counts in both.
 *
 * Every count is made inside the municipality's own tenant session (a `stats` job session), so a
 * change of one municipality can only ever touch that municipality's statistics. A batch is
 * counted in as few writes as it can be: per municipality, each month's metric item is moved once
 * per transaction with the batch's sums (not once per record), beside the markers that make each
 * record count once; municipalities run side by side.
 */
export async function applyStatsChanges(changes: readonly StatsChange[]): Promise<{ counted: number }> {
  const work = changes.map(contributionOf).filter((w) => w !== undefined);
  const byTenant = groupBy(work, (w) => w.tenant);
  await Promise.all(
    [...byTenant].map(async ([tenant, items]) => {
      await applyBatch(jobSession('stats', tenant), items);
    }),
  );
  return { counted: work.length };
}
