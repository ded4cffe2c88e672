import type { SFNClient } from '@aws-sdk/client-sfn';
import { ENV } from '../../shared/config/env-names';
import { logger } from '../../shared/observability';
import type { TenantServiceDeps } from './tenant-service';

type StartJob = TenantServiceDeps['startJob'];

/**
 * In AWS: one Step Functions execution per request. Its name carries the job id and the time, so
 * a resumed job gets an execution of its own next to the failed one in the console.
 */
export function stepFunctionsStarter(stateMachineArn: string | undefined = process.env[ENV.offboardStateMachineArn]): StartJob {
  return async ({ tenant, jobId }) => {
    if (!stateMachineArn) throw new Error(`${ENV.offboardStateMachineArn} is not set`);
    const { SFNClient, StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    sfn ??= new SFNClient({});
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: `${jobId}-${Date.now().toString(36)}`.slice(0, 80),
        input: JSON.stringify({ tenant, jobId }),
      }),
    );
  };
}

let sfn: SFNClient | undefined;

/**
 * Locally: the same steps in this process, after the request has been answered. A failure is
 * recorded on the job by the step itself; the log line only says that the runner stopped.
 */
export function inProcessStarter(deps: () => TenantServiceDeps): StartJob {
  return async ({ tenant, jobId }) => {
    const { runOffboardJob } = await import('./tenant-service');
    runOffboardJob(tenant, jobId, deps()).catch((error: unknown) => {
      logger.warn('offboarding job stopped', { tenant, jobId, error: error instanceof Error ? error.name : 'unknown' });
    });
  };
}
