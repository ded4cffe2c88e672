import { OFFBOARD_STEPS, type OffboardStep } from '../../../shared/contracts/tenants';
import { DomainError } from '../../../shared/errors';
import { logger } from '../../../shared/observability';
import { defaultTenantDeps } from '../tenant-deps';
import { ConcurrentChangeError, destroyDueKeys, runOffboardStep, type OffboardStepOutcome, type TenantServiceDeps } from '../tenant-service';

/** A Step Functions task of the offboarding workflow: run `step` of the job. */
export interface OffboardStepEvent {
  action: 'offboard-step';
  tenant: string;
  jobId: string;
  step: OffboardStep;
  /** The cursor the previous export task answered with ('' for none): carried in the workflow's state. */
  cursor?: string;
}

/** The daily EventBridge schedule: destroy the keys whose retention has ended. */
export interface DestroyDueEvent {
  action: 'destroy-due';
}

/**
 * Errors the workflow retries (throttling, a lost connection, a concurrent registry change): the
 * state machine's Retry names this error type. Domain errors (unknown job, a count that does not
 * match) are not retried: the job stops, recorded as failed, until the operator asks again.
 */
export class RetryableStepError extends Error {
  override readonly name = 'RetryableStepError';
}

const isStep = (s: unknown): s is OffboardStep => typeof s === 'string' && (OFFBOARD_STEPS as readonly string[]).includes(s);

/** The handler behind the offboarding state machine's tasks and the destroy-due schedule. */
export function makeHandler(deps: TenantServiceDeps) {
  return async (event: OffboardStepEvent | DestroyDueEvent): Promise<OffboardStepOutcome | { destroyed: { tenant: string; state: string }[] }> => {
    if (event.action === 'destroy-due') {
      const destroyed = await destroyDueKeys({ caller: { sub: 'schedule:destroy-due', kind: 'client', roles: ['operator'], scopes: [], expiresAt: 0 }, requestId: 'destroy-due' }, deps);
      logger.info('destroy-due ran', { destroyed: destroyed.length });
      return { destroyed };
    }
    if (event.action !== 'offboard-step' || !isStep(event.step) || !/^\d{4}$/.test(event.tenant ?? '')) throw new TypeError('not an offboarding step event');
    try {
      return await runOffboardStep(event.tenant, event.jobId, event.step, deps, typeof event.cursor === 'string' ? event.cursor : '');
    } catch (error) {
      if (error instanceof DomainError) {
        // A concurrent registry change is transient; any other domain error stops the job.
        if (error instanceof ConcurrentChangeError) throw new RetryableStepError(error.detail);
        throw error;
      }
      logger.warn('offboarding step failed; the workflow retries it', { tenant: event.tenant, jobId: event.jobId, step: event.step, error: error instanceof Error ? error.name : 'unknown' });
      throw new RetryableStepError(error instanceof Error ? error.name : 'step failed');
    }
  };
}

export const handler = makeHandler(defaultTenantDeps());
