// @ts-nocheck
import { useState } from 'react';
import { createTenantBodySchema, suspendTenantBodySchema, type TenantView } from '../../../../shared/contracts/tenants';
import { opsApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm, ReasonButton } from '../../components/action-form';
import { Field, fieldAria, useSchemaForm, useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
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
  const [region, setRegion] = useState('eu-north-1');
  const [adminId, setAdminId] = useState('');
  const [adminName, setAdminName] = useState('');
  const form = useSchemaForm(createTenantBodySchema);
  const errors = form.errors;
  const onSubmit = () =>
    form.send({ id, name, region, ...(adminId ? { admin: { id: adminId, name: adminName } } : {}) }, async (body) => {
      await opsApi.createTenant(body);
      setId('');
      setName('');
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

/** The operating company's registry of municipalities (no patient data here). */
export function TenantsPage() {
  const { t } = useI18n();
  const tenants = useData('tenants', (signal) => opsApi.tenants(signal));
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
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Async>
      <NewTenantForm onCreated={tenants.reload} />
    </>
  );
}
