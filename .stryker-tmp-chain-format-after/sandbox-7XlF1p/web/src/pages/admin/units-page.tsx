// @ts-nocheck
import { useState } from 'react';
import { createUnitBodySchema } from '../../../../shared/contracts/admin';
import { UNIT_KINDS } from '../../../../shared/contracts/tenants';
import { adminApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm } from '../../components/action-form';
import { Field, fieldAria, SelectField, useSchemaForm, useSubmit } from '../../components/forms';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
import { useData } from '../../components/use-api';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type UnitKind = (typeof UNIT_KINDS)[number];

function NewUnitForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<UnitKind>('hjemmetjeneste');
  const form = useSchemaForm(createUnitBodySchema);
  const errors = form.errors;
  const onSubmit = () =>
    form.send({ name, kind }, async (body) => {
      await adminApi.createUnit(body);
      setName('');
      onCreated();
    });
  return (
    <ActionForm id="nun" title={t('admin.units.new')} busy={form.busy} error={form.error} submitLabel={t('admin.units.create')} onSubmit={onSubmit}>
      <div className="form-row">
        <Field id="nun-name" label={t('patients.name')} error={errors.name}>
          <input {...fieldAria('nun-name', errors.name)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <SelectField id="nun-kind" label={t('admin.units.kind')} error={errors.kind} value={kind} values={UNIT_KINDS} labelOf={(k) => t(`unitKind.${k}` as MessageKey)} onChange={setKind} />
      </div>
    </ActionForm>
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
