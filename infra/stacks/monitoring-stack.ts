import { NestedStack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { AuditAnchor } from '../constructs/audit-anchor';
import { KeyTrail, type KeyTrailProps } from '../constructs/key-trail';
import { Operations, opsNamespace, type OperationsProps } from '../constructs/operations';

export interface MonitoringStackProps {
  operations: OperationsProps;
  keyTrail: Omit<KeyTrailProps, 'topic' | 'dashboard' | 'metricNamespace'>;
  anchor: { construct: AuditAnchor; metricsNamespace: string; beatMinutes: number };
}

/**
 * A region's monitoring in a nested stack of its own: the alarm topic, every alarm, the metric
 * filters, the dashboard and the key trail. CloudFormation allows 500 resources per stack; the
 * region stack was at 492 with its API (one resource per path segment and method) and functions,
 * so what only watches them lives here and the region stack keeps headroom for new services
 * (test/infra/stacks.test.ts holds both under 450).
 */
export class MonitoringStack extends NestedStack {
  readonly operations: Operations;
  readonly keyTrail: KeyTrail;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, { description: `Fellesjournal ${props.operations.stage} monitoring: alarms, dashboard, key trail` });
    this.operations = new Operations(this, 'Operations', props.operations);
    const { construct, metricsNamespace, beatMinutes } = props.anchor;
    construct.alarms(this.operations.topic, metricsNamespace, props.operations.stage, beatMinutes, new Construct(this, 'AuditAnchorAlarms'));
    this.keyTrail = new KeyTrail(this, 'KeyTrail', {
      ...props.keyTrail,
      topic: this.operations.topic,
      dashboard: this.operations.dashboard,
      metricNamespace: opsNamespace(props.operations.stage),
    });
  }
}
