import { useState } from 'react';
import { ADMIN_ASSIGNABLE_ROLES, createUserBodySchema, type AdminUserView } from '../../../../shared/contracts/admin';
import { adminApi } from '../../api/admin';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm } from '../../components/action-form';
import { Field, fieldAria, useSchemaForm, useSubmit } from '../../components/forms';
import { Badge, DataTable, PageTitle } from '../../components/ui';
import { useData, usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type AssignableRole = (typeof ADMIN_ASSIGNABLE_ROLES)[number];

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const units = useData('units', (signal) => adminApi.units(signal));
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<AssignableRole[]>(['clinician']);
  const [unit, setUnit] = useState('');
  const [hpr, setHpr] = useState('');
  const [profession, setProfession] = useState('');
  const form = useSchemaForm(createUserBodySchema);
  const errors = form.errors;
  const onSubmit = () =>
    form.send({ id, name, roles, unit: unit || undefined, hpr: hpr || undefined, profession: profession || undefined }, async (body) => {
      await adminApi.createUser(body);
      setId('');
      setName('');
      setHpr('');
      setProfession('');
      onCreated();
    });
  return (
    <ActionForm id="nu" title={t('admin.users.new')} busy={form.busy} error={form.error} submitLabel={t('admin.users.create')} onSubmit={onSubmit}>
      <div className="form-row">
        <Field id="nu-id" label={t('admin.users.id')} error={errors.id}>
          <input {...fieldAria('nu-id', errors.id)} value={id} onChange={(e) => setId(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nu-name" label={t('patients.name')} error={errors.name}>
          <input {...fieldAria('nu-name', errors.name)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
      </div>
      <fieldset>
        <legend>{t('admin.users.roles')}</legend>
        {ADMIN_ASSIGNABLE_ROLES.map((r) => (
          <label key={r} className="check">
            <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles((prev) => (e.target.checked ? [...prev, r] : prev.filter((x) => x !== r)))} /> {t(`role.${r}`)}
          </label>
        ))}
        {errors.roles && <span className="field-error">{errors.roles}</span>}
      </fieldset>
      <div className="form-row">
        <Field id="nu-unit" label={t('entry.unit')} error={errors.unit}>
          <select {...fieldAria('nu-unit', errors.unit)} value={unit} onChange={(e) => setUnit(e.target.value)}>
            <option value="">{t('app.none')}</option>
            {units.data?.items.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="nu-hpr" label={t('admin.users.hpr')} error={errors.hpr}>
          <input {...fieldAria('nu-hpr', errors.hpr)} value={hpr} inputMode="numeric" onChange={(e) => setHpr(e.target.value)} autoComplete="off" />
        </Field>
        <Field id="nu-prof" label={t('admin.users.profession')} error={errors.profession}>
          <input {...fieldAria('nu-prof', errors.profession)} value={profession} onChange={(e) => setProfession(e.target.value)} autoComplete="off" />
        </Field>
      </div>
    </ActionForm>
  );
}

function StatusToggle({ user, onChanged }: { user: AdminUserView; onChanged: () => void }) {
  const { t } = useI18n();
  const submit = useSubmit();
  const next = user.status === 'active' ? 'disabled' : 'active';
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        disabled={submit.busy}
        onClick={() =>
          void submit.run(async () => {
            await adminApi.updateUser(user.id, { status: next });
            onChanged();
          })
        }
      >
        {next === 'disabled' ? t('admin.users.disable') : t('admin.users.enable')}
      </button>
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
    </>
  );
}

/** The municipality's users: who may log in, with which roles and unit. */
export function UsersPage() {
  const { t } = useI18n();
  const list = usePaged<AdminUserView>('users', async (cursor, signal) => adminApi.users(cursor, signal));
  return (
    <>
      <PageTitle>{t('admin.users.title')}</PageTitle>
      <PagedList list={list} empty={t('admin.users.empty')}>
        {(items) => (
          <DataTable testId="users" columns={[t('admin.users.id'), t('patients.name'), t('admin.users.roles'), t('entry.unit'), t('admin.users.hpr'), t('admin.status')]} actions={t('admin.actions')}>
            {items.map((u) => (
              <tr key={u.id}>
                <td>
                  <code>{u.id}</code>
                </td>
                <td>
                  {u.name}
                  {u.profession && <div className="muted small">{u.profession}</div>}
                </td>
                <td>{u.roles.map((r) => t(`role.${r}` as MessageKey)).join(', ')}</td>
                <td>{u.unit ?? '–'}</td>
                <td>{u.hpr ?? '–'}</td>
                <td>
                  <Badge tone={u.status === 'active' ? 'ok' : 'neutral'}>{t(`admin.userStatus.${u.status}` as MessageKey)}</Badge>
                </td>
                <td>
                  <StatusToggle user={u} onChanged={list.reload} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </PagedList>
      <NewUserForm onCreated={list.reload} />
    </>
  );
}
