import { useState, type FormEvent } from 'react';
import type * as z from 'zod/mini';
import { registerVendorBodySchema, type vendorCredentialsSchema, type VendorView } from '../../../../shared/contracts/vendors';
import { vendorApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { apiFieldErrors, Field, fieldAria, issuesByField, useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
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
        {credentials.apiKey && (
          <>
            <dt>{t('ops.vendors.apiKey')}</dt>
            <dd>
              <code>{credentials.apiKey}</code>
            </dd>
          </>
        )}
        {credentials.tokenEndpoint && (
          <>
            <dt>{t('ops.vendors.tokenEndpoint')}</dt>
            <dd>
              <code>{credentials.tokenEndpoint}</code>
            </dd>
          </>
        )}
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
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const errors = { ...apiFieldErrors(submit.error), ...local };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = registerVendorBodySchema.safeParse({ name, orgNumber, contact: { name: contactName, email } });
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (!parsed.success) return;
    void submit.run(async () => {
      onRegistered(await vendorApi.register(parsed.data));
      setName('');
      setOrgNumber('');
      setContactName('');
      setEmail('');
    });
  };
  return (
    <form className="card" onSubmit={onSubmit} noValidate aria-labelledby="rv-h">
      <h2 id="rv-h">{t('ops.vendors.new')}</h2>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
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
      <button className="btn btn-primary" type="submit" disabled={submit.busy}>
        {t('ops.vendors.register')}
      </button>
    </form>
  );
}

function VendorActions({ vendor, onChanged, onCredentials }: { vendor: VendorView; onChanged: () => void; onCredentials: (c: Credentials) => void }) {
  const { t } = useI18n();
  const submit = useSubmit();
  const [reason, setReason] = useState('');
  const [disabling, setDisabling] = useState(false);
  return (
    <div className="form-actions">
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      {vendor.status === 'active' ? (
        disabling ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submit.run(async () => {
                await vendorApi.disable(vendor.clientId, { reason });
                setDisabling(false);
                onChanged();
              });
            }}
          >
            <label htmlFor={`dis-${vendor.clientId}`}>{t('ops.tenants.suspendReason')}</label>{' '}
            <input id={`dis-${vendor.clientId}`} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />{' '}
            <button className="btn btn-small btn-danger" type="submit" disabled={submit.busy}>
              {t('ops.vendors.disable')}
            </button>
          </form>
        ) : (
          <button type="button" className="btn btn-small" onClick={() => setDisabling(true)}>
            {t('ops.vendors.disable')}
          </button>
        )
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
