import { useEffect, useState } from 'react';
import { createTenantBodySchema, OFFBOARD_STEPS, offboardTenantBodySchema, suspendTenantBodySchema, type OffboardJob, type TenantView } from '../../../../shared/contracts/tenants';
import { opsApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm, ReasonButton } from '../../components/action-form';
import { Field, fieldAria, useSchemaForm, useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, Fact, PageTitle } from '../../components/ui';
import { useData } from '../../components/use-api';
import { useI18n, type MessageKey } from '../../i18n/i18n';

const STATUS_TONE: Record<TenantView['status'], 'ok' | 'warn' | 'danger' | 'neutral' | 'info'> = {
  provisioning: 'info',
  active: 'ok',
  suspended: 'danger',
  offboarding: 'warn',
  offboarded: 'neutral',
};

function NewTenantForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [orgnr, setOrgnr] = useState('');
  const [population, setPopulation] = useState('');
  const [region, setRegion] = useState('eu-north-1');
  const [adminId, setAdminId] = useState('');
  const [adminName, setAdminName] = useState('');
  const form = useSchemaForm(createTenantBodySchema);
  const errors = form.errors;
  const onSubmit = () =>
    // The population picks the municipality's throttling tier; a non-number (NaN) is refused by the schema.
    form.send({ id, name, orgnr, ...(population ? { population: /^\d+$/.test(population) ? Number(population) : Number.NaN } : {}), region, ...(adminId ? { admin: { id: adminId, name: adminName } } : {}) }, async (body) => {
      await opsApi.createTenant(body);
      setId('');
      setName('');
      setOrgnr('');
      setPopulation('');
      setAdminId('');
      setAdminName('');
      onCreated();
    });
  return (
    <ActionForm id="nt" title={t('ops.tenants.new')} busy={form.busy} error={form.error} submitLabel={t('ops.tenants.create')} onSubmit={onSubmit}>
      <div className="form-row">
        <Field id="nt-id" label={t('ops.tenants.id')} error={errors.id}>
          <input {...fieldAria('nt-id', errors.id)} value={id} inputMode="numeric" maxLength={4} onChange={(e) => setId(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nt-name" label={t('patients.name')} error={errors.name}>
          <input {...fieldAria('nt-name', errors.name)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nt-orgnr" label={t('ops.tenants.orgnr')} error={errors.orgnr}>
          <input {...fieldAria('nt-orgnr', errors.orgnr)} value={orgnr} inputMode="numeric" maxLength={9} onChange={(e) => setOrgnr(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nt-population" label={t('ops.tenants.population')} error={errors.population}>
          <input {...fieldAria('nt-population', errors.population)} value={population} inputMode="numeric" maxLength={7} onChange={(e) => setPopulation(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nt-region" label={t('ops.tenants.region')} error={errors.region}>
          <input {...fieldAria('nt-region', errors.region)} value={region} onChange={(e) => setRegion(e.target.value)} autoComplete="off" />
        </Field>
      </div>
      <div className="form-row">
        <Field id="nt-aid" label={t('ops.tenants.adminId')} error={errors.admin}>
          <input {...fieldAria('nt-aid', errors.admin)} value={adminId} onChange={(e) => setAdminId(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nt-aname" label={t('ops.tenants.adminName')}>
          <input id="nt-aname" value={adminName} onChange={(e) => setAdminName(e.target.value)} autoComplete="off" />
        </Field>
      </div>
    </ActionForm>
  );
}

function SuspendControl({ tenant, onChanged }: { tenant: TenantView; onChanged: () => void }) {
  const { t } = useI18n();
  const submit = useSubmit();
  if (tenant.status === 'suspended') {
    return (
      <>
        <button type="button" className="btn btn-small" disabled={submit.busy} onClick={() => void submit.run(async () => { await opsApi.resume(tenant.id, {}); onChanged(); })}>
          {t('ops.tenants.resume')}
        </button>
        {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      </>
    );
  }
  if (tenant.status !== 'active') return null;
  return (
    <ReasonButton
      id={`sus-${tenant.id}`}
      label={t('ops.tenants.suspend')}
      reasonLabel={t('ops.tenants.suspendReason')}
      schema={suspendTenantBodySchema}
      onConfirm={async (body) => {
        await opsApi.suspend(tenant.id, body);
        onChanged();
      }}
    />
  );
}

/** Asks for the export target, then starts (or resumes) the offboarding; the page follows the job. */
function OffboardControl({ tenant, onStarted }: { tenant: TenantView; onStarted: (jobId: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const form = useSchemaForm(offboardTenantBodySchema);
  const resumable = tenant.status === 'offboarding' && tenant.offboarding?.failedStep !== undefined;
  if (tenant.status !== 'active' && tenant.status !== 'suspended' && !resumable) return null;
  if (!open) {
    return (
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
        {t('ops.offboard.action')}
      </button>
    );
  }
  const id = `off-${tenant.id}`;
  return (
    <ActionForm
      id={id}
      className=""
      small
      tone="danger"
      intro={<p className="muted small">{t('ops.offboard.intro')}</p>}
      busy={form.busy}
      error={form.error}
      submitLabel={t('ops.offboard.start')}
      onCancel={() => setOpen(false)}
      onSubmit={() =>
        form.send({ target }, async (body) => {
          const job = await opsApi.offboard(tenant.id, body);
          setOpen(false);
          onStarted(job.jobId);
        })
      }
    >
      <Field id={`${id}-target`} label={t('ops.offboard.target')} hint={t('ops.offboard.targetHint')} error={form.errors.target}>
        <input {...fieldAria(`${id}-target`, form.errors.target)} value={target} onChange={(e) => setTarget(e.target.value)} autoComplete="off" />
      </Field>
    </ActionForm>
  );
}

const JOB_TONE: Record<OffboardJob['state'], 'info' | 'danger' | 'ok'> = { running: 'info', failed: 'danger', succeeded: 'ok' };
const STEP_TONE: Record<'pending' | 'done' | 'failed', 'neutral' | 'ok' | 'danger'> = { pending: 'neutral', done: 'ok', failed: 'danger' };
/** How often a running job is read again (the local runner works in-process; Step Functions in AWS). */
const JOB_POLL_MS = 1000;

/** One offboarding job as it runs: state, each step, export progress, the count and the key deletion. */
function OffboardJobPanel({ jobId, onSettled }: { jobId: string; onSettled: () => void }) {
  const { t } = useI18n();
  const [job, setJob] = useState<OffboardJob | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const next = await opsApi.offboardJob(jobId, abort.signal);
        setJob(next);
        setError(undefined);
        if (next.state === 'running') timer = setTimeout(() => void read(), JOB_POLL_MS);
        else onSettled();
      } catch (e) {
        if (!abort.signal.aborted) setError(e);
      }
    };
    void read();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
    // onSettled (the page's reload) is a new function each render: the job id alone decides.
  }, [jobId]);
  const stepName = (step: string) => t(`ops.offboard.step.${step}` as MessageKey);
  const done = job ? OFFBOARD_STEPS.filter((s) => job.steps[s]?.state === 'done').length : 0;
  return (
    <section className="card" aria-labelledby="offboard-job-h" data-testid="offboard-job">
      <h2 id="offboard-job-h">{t('ops.offboard.title', { tenant: job?.tenant ?? jobId.slice(0, 4) })}</h2>
      {error !== undefined && <ErrorMessage error={error} />}
      {job && (
        <>
          <div aria-live="polite" data-testid="offboard-job-state" data-state={job.state}>
            <Badge tone={JOB_TONE[job.state]}>{t(`ops.offboard.state.${job.state}` as MessageKey)}</Badge>{' '}
            {job.state !== 'succeeded' && job.step && <span>{t('ops.offboard.atStep', { step: stepName(job.step) })}</span>}
          </div>
          <p>
            <progress max={OFFBOARD_STEPS.length} value={done} aria-label={t('ops.offboard.progress', { done, total: OFFBOARD_STEPS.length })} />{' '}
            <span className="muted small">{t('ops.offboard.progress', { done, total: OFFBOARD_STEPS.length })}</span>
          </p>
          <ol className="plain-list">
            {OFFBOARD_STEPS.map((s) => {
              const state = job.steps[s]?.state ?? 'pending';
              return (
                <li key={s} data-testid={`offboard-step-${s}`} data-state={state}>
                  {stepName(s)}: <Badge tone={STEP_TONE[state]}>{t(`ops.offboard.stepState.${state}` as MessageKey)}</Badge>
                </li>
              );
            })}
          </ol>
          {job.error && (
            <p role="alert">
              {job.error} {t('ops.offboard.retry')}
            </p>
          )}
          <dl className="facts">
            <Fact label={t('ops.offboard.job')}>
              <code>{job.jobId}</code>
            </Fact>
            <Fact label={t('ops.offboard.step.export')}>{job.export && t('ops.offboard.exported', { pages: job.export.pages, records: job.export.records })}</Fact>
            <Fact label={t('ops.offboard.location')}>{job.export && <code>{job.export.location}</code>}</Fact>
            <Fact label={t('ops.offboard.counted')}>{job.countedRecords}</Fact>
            <Fact label={t('ops.offboard.keyDeleteAfter')}>{job.keyDeletion?.deleteAfter.slice(0, 10)}</Fact>
          </dl>
        </>
      )}
    </section>
  );
}

/** The operating company's registry of municipalities (no patient data here). */
export function TenantsPage() {
  const { t } = useI18n();
  const tenants = useData('tenants', (signal) => opsApi.tenants(signal));
  // The offboarding job on show: the one just started, or one the operator opened from its row.
  const [jobId, setJobId] = useState<string | undefined>();
  return (
    <>
      <PageTitle>{t('ops.tenants.title')}</PageTitle>
      <Async state={tenants}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>{t('ops.tenants.empty')}</Empty>
          ) : (
            <DataTable testId="tenants" columns={[t('ops.tenants.id'), t('patients.name'), t('ops.tenants.region'), t('admin.status'), t('nav.units')]} actions={t('admin.actions')}>
              {data.items.map((tn) => (
                <tr key={tn.id}>
                  <td>
                    <code>{tn.id}</code>
                  </td>
                  <td>{tn.name}</td>
                  <td>{tn.region}</td>
                  <td>
                    <Badge tone={STATUS_TONE[tn.status]}>{t(`tenantStatus.${tn.status}` as MessageKey)}</Badge>
                    {tn.statusReason && <div className="muted small">{tn.statusReason}</div>}
                  </td>
                  <td>{tn.units.length}</td>
                  <td>
                    <SuspendControl tenant={tn} onChanged={tenants.reload} />
                    <OffboardControl
                      tenant={tn}
                      onStarted={(id) => {
                        setJobId(id);
                        tenants.reload();
                      }}
                    />
                    {tn.offboarding?.jobId && tn.offboarding.jobId !== jobId && (
                      <button type="button" className="btn btn-small" onClick={() => setJobId(tn.offboarding!.jobId)}>
                        {t('ops.offboard.show')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Async>
      {jobId && <OffboardJobPanel key={jobId} jobId={jobId} onSettled={tenants.reload} />}
      <NewTenantForm onCreated={tenants.reload} />
    </>
  );
}
