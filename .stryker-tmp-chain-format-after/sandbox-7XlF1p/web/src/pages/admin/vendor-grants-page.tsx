// @ts-nocheck
import { useState } from 'react';
import { VENDOR_SCOPES } from '../../../../shared/auth/caller';
import type { VendorGrantView } from '../../../../shared/contracts/vendors';
import { vendorApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
import { useData } from '../../components/use-api';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type Scope = (typeof VENDOR_SCOPES)[number];

/**
 * One vendor: whether it has access (since when, and that it lasts until revoked), its scopes, and
 * the button that gives access, or, once given, saves a change of scopes.
 */
function GrantRow({ vendor, grant, onChanged }: { vendor: { clientId: string; name: string; status: string }; grant: VendorGrantView | undefined; onChanged: () => void }) {
  const { t, dateTime } = useI18n();
  const granted = grant?.scopes;
  const [scopes, setScopes] = useState<Scope[]>(() => (granted ?? []).filter((s): s is Scope => (VENDOR_SCOPES as readonly string[]).includes(s)));
  const submit = useSubmit();
  const unchanged = granted !== undefined && scopes.length === granted.length && scopes.every((s) => granted.includes(s));
  return (
    <tr>
      <td>
        {vendor.name}
        <div className="muted small">
          <code>{vendor.clientId}</code>
        </div>
      </td>
      <td>
        {grant ? (
          <>
            <Badge tone="ok">{t('admin.vendors.granted')}</Badge>
            <div className="muted small" data-testid="grant-since">
              {t('admin.vendors.grantedSince', { time: dateTime(grant.grantedAt) })}
            </div>
          </>
        ) : (
          <Badge>{t('admin.vendors.notGranted')}</Badge>
        )}
      </td>
      <td>
        <fieldset className="inline-fieldset">
          <legend className="sr-only">{t('admin.vendors.scopes', { vendor: vendor.name })}</legend>
          {VENDOR_SCOPES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((prev) => (e.target.checked ? [...prev, s] : prev.filter((x) => x !== s)))} />{' '}
              {t(`scope.${s}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      </td>
      <td>
        <div className="form-actions">
          <button type="button" className="btn btn-small btn-primary" disabled={submit.busy || scopes.length === 0 || unchanged || vendor.status !== 'active'} onClick={() => void submit.run(async () => { await vendorApi.grant(vendor.clientId, { scopes }); onChanged(); })}>
            {t(granted ? 'admin.vendors.saveScopes' : 'admin.vendors.grant')}
            <span className="sr-only"> {vendor.name}</span>
          </button>
          {granted && (
            <button type="button" className="btn btn-small" disabled={submit.busy} onClick={() => void submit.run(async () => { await vendorApi.revoke(vendor.clientId); onChanged(); })}>
              {t('admin.vendors.revoke')}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** Which vendor systems may act for the municipality, and with which scopes. */
export function VendorGrantsPage() {
  const { t } = useI18n();
  const data = useData('vendor-grants', async (signal) => {
    const [catalogue, grants] = await Promise.all([vendorApi.catalogue(signal), vendorApi.grants(signal)]);
    return { catalogue: catalogue.items, grants: grants.items };
  });
  return (
    <>
      <PageTitle>{t('admin.vendors.title')}</PageTitle>
      <p className="lead">{t('admin.vendors.intro')}</p>
      <Async state={data}>
        {({ catalogue, grants }) =>
          catalogue.length === 0 ? (
            <Empty>{t('ops.vendors.empty')}</Empty>
          ) : (
            <DataTable testId="vendor-grants" columns={[t('nav.vendors'), t('admin.status'), t('admin.vendors.scopesHead')]} actions={t('admin.actions')}>
              {catalogue.map((v) => {
                const grant = grants.find((g) => g.clientId === v.clientId && g.status === 'active');
                return <GrantRow key={`${v.clientId}:${grant?.scopes.join(',') ?? ''}`} vendor={v} grant={grant} onChanged={data.reload} />;
              })}
            </DataTable>
          )
        }
      </Async>
    </>
  );
}
