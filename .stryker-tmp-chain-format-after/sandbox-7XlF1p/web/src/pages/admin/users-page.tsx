// @ts-nocheck
import { Fragment, useState, type ReactNode } from 'react';
import { ADMIN_ASSIGNABLE_ROLES, createUserBodySchema, updateUserBodySchema, type AdminUserView } from '../../../../shared/contracts/admin';
import { adminApi } from '../../api/admin';
import type { Session } from '../../auth/session';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm } from '../../components/action-form';
import { Field, fieldAria, SelectField, useSchemaForm, useSubmit } from '../../components/forms';
import { Badge, DataTable, PageTitle } from '../../components/ui';
import { useData, usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type AssignableRole = (typeof ADMIN_ASSIGNABLE_ROLES)[number];
type Unit = { id: string; name: string };

/** What the admin fills in about a user, as text fields hold it. */
interface UserDraft {
  name: string;
  roles: AssignableRole[];
  unit: string;
  hpr: string;
  profession: string;
}

function draftOf(user?: AdminUserView): UserDraft {
  return {
    name: user?.name ?? '',
    roles: user ? user.roles.filter((r): r is AssignableRole => (ADMIN_ASSIGNABLE_ROLES as readonly string[]).includes(r)) : ['clinician'],
    unit: user?.unit ?? '',
    hpr: user?.hpr ?? '',
    profession: user?.profession ?? '',
  };
}

/** Name, roles, unit, HPR number and profession: the same fields for a new user and a change. */
function UserFields({ id, draft, set, units, errors, first }: { id: string; draft: UserDraft; set: (patch: Partial<UserDraft>) => void; units: Unit[]; errors: Record<string, string>; first?: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <div className="form-row">
        {first}
        <Field id={`${id}-name`} label={t('patients.name')} error={errors.name}>
          <input {...fieldAria(`${id}-name`, errors.name)} value={draft.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" />
        </Field>
      </div>
      <fieldset>
        <legend>{t('admin.users.roles')}</legend>
        {ADMIN_ASSIGNABLE_ROLES.map((r) => (
          <label key={r} className="check">
            <input type="checkbox" checked={draft.roles.includes(r)} onChange={(e) => set({ roles: e.target.checked ? [...draft.roles, r] : draft.roles.filter((x) => x !== r) })} /> {t(`role.${r}`)}
          </label>
        ))}
        {errors.roles && <span className="field-error">{errors.roles}</span>}
      </fieldset>
      <div className="form-row">
        <SelectField
          id={`${id}-unit`}
          label={t('entry.unit')}
          error={errors.unit}
          value={draft.unit}
          values={['', ...units.map((u) => u.id)]}
          labelOf={(v) => (v ? (units.find((u) => u.id === v)?.name ?? v) : t('app.none'))}
          onChange={(unit) => set({ unit })}
        />
        <Field id={`${id}-hpr`} label={t('admin.users.hpr')} error={errors.hpr}>
          <input {...fieldAria(`${id}-hpr`, errors.hpr)} value={draft.hpr} inputMode="numeric" onChange={(e) => set({ hpr: e.target.value })} autoComplete="off" />
        </Field>
        <Field id={`${id}-prof`} label={t('admin.users.profession')} error={errors.profession}>
          <input {...fieldAria(`${id}-prof`, errors.profession)} value={draft.profession} onChange={(e) => set({ profession: e.target.value })} autoComplete="off" />
        </Field>
      </div>
    </>
  );
}

function useDraft(user?: AdminUserView) {
  const [draft, setDraft] = useState<UserDraft>(() => draftOf(user));
  const set = (patch: Partial<UserDraft>) => setDraft((d) => ({ ...d, ...patch }));
  return { draft, set, reset: () => setDraft(draftOf(user)) };
}

function NewUserForm({ units, onCreated }: { units: Unit[]; onCreated: () => void }) {
  const { t } = useI18n();
  const [id, setId] = useState('');
  const { draft, set, reset } = useDraft();
  const form = useSchemaForm(createUserBodySchema);
  const onSubmit = () =>
    form.send({ id, name: draft.name, roles: draft.roles, unit: draft.unit || undefined, hpr: draft.hpr || undefined, profession: draft.profession || undefined }, async (body) => {
      await adminApi.createUser(body);
      setId('');
      reset();
      onCreated();
    });
  return (
    <ActionForm id="nu" title={t('admin.users.new')} busy={form.busy} error={form.error} submitLabel={t('admin.users.create')} onSubmit={onSubmit}>
      <UserFields
        id="nu"
        draft={draft}
        set={set}
        units={units}
        errors={form.errors}
        first={
          <Field id="nu-id" label={t('admin.users.id')} error={form.errors.id}>
            <input {...fieldAria('nu-id', form.errors.id)} value={id} onChange={(e) => setId(e.target.value)} autoComplete="off" />
          </Field>
        }
      />
    </ActionForm>
  );
}

/** Changes a user's name, roles, unit, HPR number or profession (PATCH: only what was changed is sent). */
function EditUserForm({ user, units, onDone, onCancel }: { user: AdminUserView; units: Unit[]; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const { draft: state, set } = useDraft(user);
  const before = draftOf(user);
  const form = useSchemaForm(updateUserBodySchema);
  const sameRoles = state.roles.length === before.roles.length && state.roles.every((r) => before.roles.includes(r));
  const onSubmit = () =>
    form.send(
      {
        ...(state.name !== before.name ? { name: state.name } : {}),
        ...(sameRoles ? {} : { roles: state.roles }),
        ...(state.unit !== before.unit ? { unit: state.unit || null } : {}),
        ...(state.hpr !== before.hpr ? { hpr: state.hpr } : {}),
        ...(state.profession !== before.profession ? { profession: state.profession } : {}),
      },
      async (body) => {
        await adminApi.updateUser(user.id, body);
        onDone();
      },
    );
  const id = `eu-${user.id.replace(/[^\w-]/g, '-')}`;
  return (
    <ActionForm id={id} title={t('admin.users.editTitle', { user: user.id })} level={3} className="" testId="user-edit-form" busy={form.busy} error={form.error} submitLabel={t('app.save')} onSubmit={onSubmit} onCancel={onCancel}>
      {form.errors._ && <p className="field-error">{t('admin.users.noChanges')}</p>}
      <UserFields id={id} draft={state} set={set} units={units} errors={form.errors} />
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

/** The municipality's users: who may log in, with which roles and unit; an admin changes others, never disables herself. */
export function UsersPage({ session }: { session: Session }) {
  const { t } = useI18n();
  const list = usePaged<AdminUserView>('users', async (cursor, signal) => adminApi.users(cursor, signal));
  const units = useData('admin-units', (signal) => adminApi.units(signal));
  const unitList = units.data?.items ?? [];
  const [editing, setEditing] = useState<string>();
  return (
    <>
      <PageTitle>{t('admin.users.title')}</PageTitle>
      <PagedList list={list} empty={t('admin.users.empty')}>
        {(items) => (
          <DataTable testId="users" columns={[t('admin.users.id'), t('patients.name'), t('admin.users.roles'), t('entry.unit'), t('admin.users.hpr'), t('admin.status')]} actions={t('admin.actions')}>
            {items.map((u) => (
              <Fragment key={u.id}>
                <tr data-testid="user-row">
                  <td>
                    <code>{u.id}</code>
                  </td>
                  <td>
                    {u.name}
                    {u.profession && <div className="muted small">{u.profession}</div>}
                  </td>
                  <td>{u.roles.map((r) => t(`role.${r}` as MessageKey)).join(', ')}</td>
                  <td>{u.unit ? (unitList.find((x) => x.id === u.unit)?.name ?? u.unit) : '–'}</td>
                  <td>{u.hpr ?? '–'}</td>
                  <td>
                    <Badge tone={u.status === 'active' ? 'ok' : 'neutral'}>{t(`admin.userStatus.${u.status}` as MessageKey)}</Badge>
                  </td>
                  <td>
                    <div className="form-actions">
                      <button type="button" className="btn btn-small" aria-label={`${t('admin.users.edit')} ${u.id}`} aria-expanded={editing === u.id} onClick={() => setEditing(editing === u.id ? undefined : u.id)}>
                        {t('admin.users.edit')}
                      </button>
                      {u.id === session.me.sub ? <span className="muted small">{t('admin.users.you')}</span> : <StatusToggle user={u} onChanged={list.reload} />}
                    </div>
                  </td>
                </tr>
                {editing === u.id && (
                  <tr>
                    <td colSpan={7}>
                      <EditUserForm
                        user={u}
                        units={unitList}
                        onCancel={() => setEditing(undefined)}
                        onDone={() => {
                          setEditing(undefined);
                          list.reload();
                        }}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </DataTable>
        )}
      </PagedList>
      <NewUserForm units={unitList} onCreated={list.reload} />
    </>
  );
}
