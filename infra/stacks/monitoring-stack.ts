import { NestedStack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { AuditAnchor } from '../constructs/audit-anchor';
import { KeyTrail, type KeyTrailProps } from '../constructs/key-trail';
import { Operations, opsNamespace, type OperationsProps } from '../constructs/operations';
import { Rollout, type RolloutProps } from '../constructs/rollout';

export interface MonitoringProps {
  operations: OperationsProps;
  keyTrail: Omit<KeyTrailProps, 'topic' | 'dashboard' | 'metricNamespace'>;
  anchor: { construct: AuditAnchor; metricsNamespace: string; beatMinutes: number };
}

/**
 * A region's monitoring and rollout in a nested stack of its own: the alarm topic, every alarm,
 * the metric filters, the dashboard, the key trail, and the data functions' `live` aliases with
 * their CodeDeploy canaries. CloudFormation allows 500 resources per stack; the region stack was
 * at 492 with its API (one resource per path segment and method) and functions, so what watches
 * and shifts them lives here and the region stack keeps headroom for new services
 * (test/infra/stacks.test.ts holds both under 450).
 *
 * Made in two steps: the aliases before the API (its methods invoke them), the monitoring once
 * everything it watches exists (`watch`), which also gives each canary its rollback alarms.
 */
export class MonitoringStack extends NestedStack {
  readonly rollout: Rollout;
  private watched?: { operations: Operations; keyTrail: KeyTrail };

  constructor(scope: Construct, id: string, props: { stage: string; rollout: Omit<RolloutProps, 'stage'> }) {
    super(scope, id, { description: `Fellesjournal ${props.stage} monitoring and rollout: alarms, dashboard, key trail, canary deployments` });
    this.rollout = new Rollout(this, 'Rollout', { stage: props.stage, ...props.rollout });
  }

  get operations(): Operations {
    if (!this.watched) throw new Error('MonitoringStack.watch() has not run');
    return this.watched.operations;
  }

  get keyTrail(): KeyTrail {
    if (!this.watched) throw new Error('MonitoringStack.watch() has not run');
    return this.watched.keyTrail;
  }

  watch(props: MonitoringProps): void {
    const operations = new Operations(this, 'Operations', props.operations);
    const { construct, metricsNamespace, beatMinutes } = props.anchor;
    construct.alarms(operations.topic, metricsNamespace, props.operations.stage, beatMinutes, new Construct(this, 'AuditAnchorAlarms'));
    const keyTrail = new KeyTrail(this, 'KeyTrail', {
      ...props.keyTrail,
      topic: operations.topic,
      dashboard: operations.dashboard,
      metricNamespace: opsNamespace(props.operations.stage),
    });
    // A canary rolls back on its own function's errors and on the API's 5xx rate and p99 latency.
    for (const name of Object.keys(this.rollout.groups)) {
      const own = operations.functionErrors[name];
      if (!own) throw new Error(`No errors alarm for ${name}`);
      this.rollout.addRollbackAlarms(name, [own, ...operations.apiAlarms]);
    }
    this.watched = { operations, keyTrail };
  }
}
