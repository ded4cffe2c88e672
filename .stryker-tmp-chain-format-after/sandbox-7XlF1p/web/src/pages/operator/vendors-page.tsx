// @ts-nocheck
import { useState } from 'react';
import type * as z from 'zod/mini';
import { disableVendorBodySchema, registerVendorBodySchema, type vendorCredentialsSchema, type VendorView } from '../../../../shared/contracts/vendors';
import { vendorApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm, ReasonButton } from '../../components/action-form';
import { Field, fieldAria, useSchemaForm, useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, Fact, PageTitle } from '../../components/ui';
import { useData } from '../../components/use-api';
import { useI18n } from '../../i18n/i18n';

type Credentials = z.infer<typeof vendorCredentialsSchema>;

/** Secrets are shown once, here, and never stored by the client. */
function CredentialsBox({ credentials, onClose }: { credentials: Credentials; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <div className="alert alert-warn" role="alert" data-testid="vendor-credentials">
      <p className="alert-title">{t('ops.vendors.shownOnce')}</p>
      <dl className="facts">
        <dt>{t('ops.vendors.clientId')}</dt>
        <dd>
          <code>{credentials.clientId}</code>
        </dd>
        <dt>{t('ops.vendors.secret')}</dt>
        <dd>
          <code>{credentials.clientSecret}</code>
        </dd>
        <Fact label={t('ops.vendors.apiKey')}>{credentials.apiKey && <code>{credentials.apiKey}</code>}</Fact>
        <Fact label={t('ops.vendors.tokenEndpoint')}>{credentials.tokenEndpoint && <code>{credentials.tokenEndpoint}</code>}</Fact>
      </dl>
      <button type="button" className="btn" onClick={onClose}>
        {t('ops.vendors.stored')}
      </button>
    </div>
  );
}

function RegisterForm({ onRegistered }: { onRegistered: (c: Credentials) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [orgNumber, setOrgNumber] = useState('');
  const [contactName, setContactName] = useState('');
  const [email, setEmail] = useState('');
  const form = useSchemaForm(registerVendorBodySchema);
  const errors = form.errors;
  const onSubmit = () =>
    form.send({ name, orgNumber, contact: { name: contactName, email } }, async (body) => {
      onRegistered(await vendorApi.register(body));
      setName('');
      setOrgNumber('');
      setContactName('');
      setEmail('');
    });
  return (
    <ActionForm id="rv" title={t('ops.vendors.new')} busy={form.busy} error={form.error} submitLabel={t('ops.vendors.register')} onSubmit={onSubmit}>
      <div className="form-row">
        <Field id="rv-name" label={t('patients.name')} error={errors.name}>
          <input {...fieldAria('rv-name', errors.name)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="rv-org" label={t('ops.vendors.orgNumber')} error={errors.orgNumber}>
          <input {...fieldAria('rv-org', errors.orgNumber)} value={orgNumber} inputMode="numeric" maxLength={9} onChange={(e) => setOrgNumber(e.target.value)} autoComplete="off" />
        </Field>
      </div>
      <div className="form-row">
        <Field id="rv-cn" label={t('ops.vendors.contact')} error={errors.contact}>
          <input {...fieldAria('rv-cn', errors.contact)} value={contactName} onChange={(e) => setContactName(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="rv-em" label={t('ops.vendors.email')}>
          <input id="rv-em" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
        </Field>
      </div>
    </ActionForm>
  );
}

function VendorActions({ vendor, onChanged, onCredentials }: { vendor: VendorView; onChanged: () => void; onCredentials: (c: Credentials) => void }) {
  const { t } = useI18n();
  const submit = useSubmit();
  return (
    <div className="form-actions">
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      {vendor.status === 'active' ? (
        <ReasonButton
          id={`dis-${vendor.clientId}`}
          label={t('ops.vendors.disable')}
          reasonLabel={t('ops.tenants.suspendReason')}
          schema={disableVendorBodySchema}
          onConfirm={async (body) => {
            await vendorApi.disable(vendor.clientId, body);
            onChanged();
          }}
        />
      ) : (
        <button type="button" className="btn btn-small" disabled={submit.busy} onClick={() => void submit.run(async () => { await vendorApi.enable(vendor.clientId); onChanged(); })}>
          {t('ops.vendors.enable')}
        </button>
      )}
      <button type="button" className="btn btn-small" disabled={submit.busy} onClick={() => void submit.run(async () => onCredentials(await vendorApi.rotateSecret(vendor.clientId)))}>
        {t('ops.vendors.rotate')}
      </button>
    </div>
  );
}

/** The operator's registry of vendor clients (leverandører): register, rotate, disable. */
export function VendorsPage() {
  const { t } = useI18n();
  const vendors = useData('vendors', (signal) => vendorApi.list(signal));
  const [credentials, setCredentials] = useState<Credentials>();
  const show = (c: Credentials) => {
    setCredentials(c);
    vendors.reload();
  };
  return (
    <>
      <PageTitle>{t('ops.vendors.title')}</PageTitle>
      {credentials && <CredentialsBox credentials={credentials} onClose={() => setCredentials(undefined)} />}
      <Async state={vendors}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>{t('ops.vendors.empty')}</Empty>
          ) : (
            <DataTable testId="vendors" columns={[t('patients.name'), t('ops.vendors.clientId'), t('admin.status'), t('ops.vendors.grants')]} actions={t('admin.actions')}>
              {data.items.map((v) => (
                <tr key={v.clientId}>
                  <td>
                    {v.name}
                    <div className="muted small">
                      {t('ops.vendors.orgNumber')} {v.orgNumber}
                    </div>
                  </td>
                  <td>
                    <code>{v.clientId}</code>
                  </td>
                  <td>
                    <Badge tone={v.status === 'active' ? 'ok' : 'neutral'}>{t(v.status === 'active' ? 'admin.userStatus.active' : 'admin.userStatus.disabled')}</Badge>
                  </td>
                  <td data-testid="vendor-grants">
                    {v.grants
                      .filter((g) => g.status === 'active')
                      .map((g) => `${g.tenant}: ${g.scopes.join(' ')}`)
                      .join(', ') || '–'}
                  </td>
                  <td>
                    <VendorActions vendor={v} onChanged={vendors.reload} onCredentials={show} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Async>
      <RegisterForm onRegistered={show} />
    </>
  );
}
