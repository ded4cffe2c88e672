// @ts-nocheck
import { useState } from 'react';
import { blockTargetSchema, createBlockOnBehalfSchema, myBlockRequestSchema, sharingCategorySchema, type BlockKind, type BlockTarget, type MyBlockRequest, type SharingCategory } from '../../../shared/contracts/sharing';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { ActionForm, ReasonField } from './action-form';
import { apiFieldErrors, Field, fieldAria, issuesByField, SelectField, useSubmit } from './forms';
import { entryTypeLabel } from './journal-bits';

const CATEGORIES = sharingCategorySchema.options;

/** Kinds set in this form; single documents are blocked where the document is listed. */
const FORM_KINDS: Exclude<BlockKind, 'document'>[] = ['category', 'all-sharing', 'person', 'unit'];
type FormKind = (typeof FORM_KINDS)[number];

/**
 * Staff acting on the patient's behalf name people and units by id and give a reason, which the
 * audit log keeps. The citizen names them by name and municipality (or from a row of the access
 * log, on that page): never by an internal id.
 */
type Props =
  | { explainKey: 'staffBlocks.explain'; withReason: true; onSubmit: (target: BlockTarget, reason: string) => Promise<void> }
  | { explainKey: 'blocks.explain'; withReason?: false; municipalities: ReadonlyMap<string, string>; onSubmit: (target: MyBlockRequest) => Promise<void> };

/** A new block (sperring): what it covers, checked with the API's own schema before it is sent. */
export function NewBlockForm(props: Props) {
  const { explainKey, withReason = false } = props;
  const { t, tOr } = useI18n();
  const [kind, setKind] = useState<FormKind>('category');
  const [category, setCategory] = useState<SharingCategory>(CATEGORIES[0] ?? 'epikrise');
  const [userId, setUserId] = useState('');
  const [tenant, setTenant] = useState('');
  const [unitId, setUnitId] = useState('');
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const byName = !props.withReason;
  // The API names target fields `body.name` (citizen) or `body.target.userId` (staff).
  const errors = { ...apiFieldErrors(submit.error), ...apiFieldErrors(submit.error, 'body.target.'), ...local };
  const send = () => {
    const simple = kind === 'category' ? { kind, category } : kind === 'all-sharing' ? { kind } : undefined;
    const raw = simple ?? (byName ? { kind: kind === 'person' ? 'named-person' : 'named-unit', tenant, name } : kind === 'person' ? { kind, userId } : { kind, tenant, unitId });
    const target = byName ? myBlockRequestSchema.safeParse(raw) : blockTargetSchema.safeParse(raw);
    const why = withReason ? createBlockOnBehalfSchema.shape.reason.safeParse(reason) : undefined;
    setLocal({ ...(target.success ? {} : issuesByField(target.error.issues)), ...(why && !why.success ? { reason: why.error.issues[0]?.message ?? '' } : {}) });
    if (!target.success || (why && !why.success)) return;
    void submit.run(async () => {
      if (props.withReason) await props.onSubmit(target.data as BlockTarget, why?.data ?? '');
      else await props.onSubmit(target.data as MyBlockRequest);
      setUserId('');
      setUnitId('');
      setName('');
      setReason('');
    });
  };
  const id = withReason ? 'sb' : 'nb';
  return (
    <ActionForm id={id} title={t(withReason ? 'staffBlocks.new' : 'blocks.new')} testId="block-form" busy={submit.busy} error={submit.error} submitLabel={t('blocks.submit')} onSubmit={send}>
      <fieldset>
        <legend>{t('blocks.what')}</legend>
        {FORM_KINDS.map((k) => (
          <label key={k} className="radio">
            <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} /> {t(`blocks.choice.${k}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      {kind === 'category' && (
        <SelectField id={`${id}-category`} label={t('blocks.category')} error={errors.category} value={category} values={CATEGORIES} labelOf={(c) => entryTypeLabel(tOr, c)} onChange={setCategory} />
      )}
      {byName && (kind === 'person' || kind === 'unit') && (
        <div className="form-row">
          <Field id={`${id}-name`} label={t(kind === 'person' ? 'blocks.personName' : 'blocks.unitName')} hint={t(kind === 'person' ? 'blocks.personNameHint' : 'blocks.unitNameHint')} error={errors.name}>
            <input {...fieldAria(`${id}-name`, errors.name, true)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={200} />
          </Field>
          <Field id={`${id}-tenant`} label={t('blocks.tenant')} hint={t('blocks.tenantHint')} error={errors.tenant}>
            <input {...fieldAria(`${id}-tenant`, errors.tenant, true)} value={tenant} inputMode="numeric" maxLength={4} list={`${id}-tenants`} onChange={(e) => setTenant(e.target.value)} autoComplete="off" />
          </Field>
          <datalist id={`${id}-tenants`}>
            {[...(props.withReason ? [] : props.municipalities)].map(([tid, tname]) => (
              <option key={tid} value={tid}>
                {tname}
              </option>
            ))}
          </datalist>
        </div>
      )}
      {!byName && kind === 'person' && (
        <Field id={`${id}-user`} label={t('blocks.userId')} hint={t('blocks.userIdHint')} error={errors.userId}>
          <input {...fieldAria(`${id}-user`, errors.userId, true)} value={userId} onChange={(e) => setUserId(e.target.value)} autoComplete="off" />
        </Field>
      )}
      {!byName && kind === 'unit' && (
        <div className="form-row">
          <Field id={`${id}-tenant`} label={t('blocks.tenant')} error={errors.tenant}>
            <input {...fieldAria(`${id}-tenant`, errors.tenant)} value={tenant} inputMode="numeric" maxLength={4} onChange={(e) => setTenant(e.target.value)} autoComplete="off" />
          </Field>
          <Field id={`${id}-unit`} label={t('blocks.unitId')} hint={t('blocks.unitIdHint')} error={errors.unitId}>
            <input {...fieldAria(`${id}-unit`, errors.unitId, true)} value={unitId} onChange={(e) => setUnitId(e.target.value)} autoComplete="off" />
          </Field>
        </div>
      )}
      <p className="muted">{t(`${explainKey}.${kind}` as MessageKey)}</p>
      {withReason && <ReasonField id={`${id}-reason`} label={t('staffBlocks.reason')} hint={t('staffBlocks.reasonHint')} value={reason} onChange={setReason} error={errors.reason} max={250} />}
    </ActionForm>
  );
}
