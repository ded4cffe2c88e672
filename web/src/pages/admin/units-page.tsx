import { useState, type FormEvent } from 'react';
import { createUnitBodySchema } from '../../../../shared/contracts/admin';
import { UNIT_KINDS } from '../../../../shared/contracts/tenants';
import { adminApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { apiFieldErrors, Field, fieldAria, issuesByField, useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
import { useData } from '../../components/use-api';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type UnitKind = (typeof UNIT_KINDS)[number];

function NewUnitForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<UnitKind>('hjemmetjeneste');
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const errors = { ...apiFieldErrors(submit.error), ...local };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = createUnitBodySchema.safeParse({ name, kind });
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (!parsed.success) return;
    void submit.run(async () => {
      await adminApi.createUnit(parsed.data);
      setName('');
      onCreated();
    });
  };
  return (
    <form className="card" onSubmit={onSubmit} noValidate aria-labelledby="nun-h">
      <h2 id="nun-h">{t('admin.units.new')}</h2>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      <div className="form-row">
        <Field id="nun-name" label={t('patients.name')} error={errors.name}>
          <input {...fieldAria('nun-name', errors.name)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nun-kind" label={t('admin.units.kind')} error={errors.kind}>
          <select {...fieldAria('nun-kind', errors.kind)} value={kind} onChange={(e) => setKind(e.target.value as UnitKind)}>
            {UNIT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`unitKind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <div className="field">
          <button className="btn btn-primary" type="submit" disabled={submit.busy}>
            {t('admin.units.create')}
          </button>
        </div>
      </div>
    </form>
  );
}

/** The municipality's units (enheter): care relationships and entries are tied to them. */
export function UnitsPage() {
  const { t } = useI18n();
  const units = useData('admin-units', (signal) => adminApi.units(signal));
  const toggle = useSubmit();
  return (
    <>
      <PageTitle>{t('admin.units.title')}</PageTitle>
      {toggle.error !== undefined && <ErrorMessage error={toggle.error} />}
      <Async state={units}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty>{t('admin.units.empty')}</Empty>
          ) : (
            <DataTable testId="units" columns={[t('admin.units.id'), t('patients.name'), t('admin.units.kind'), t('admin.status')]} actions={t('admin.actions')}>
              {data.items.map((u) => {
                const closed = u.status === 'closed';
                return (
                  <tr key={u.id}>
                    <td>
                      <code>{u.id}</code>
                    </td>
                    <td>{u.name}</td>
                    <td>{t(`unitKind.${u.kind}` as MessageKey)}</td>
                    <td>
                      <Badge tone={closed ? 'neutral' : 'ok'}>{t(closed ? 'admin.unitStatus.closed' : 'admin.unitStatus.active')}</Badge>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={toggle.busy}
                        onClick={() =>
                          void toggle.run(async () => {
                            await adminApi.updateUnit(u.id, { status: closed ? 'active' : 'closed' });
                            units.reload();
                          })
                        }
                      >
                        {closed ? t('admin.units.reopen') : t('admin.units.close')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )
        }
      </Async>
      <NewUnitForm onCreated={units.reload} />
    </>
  );
}
