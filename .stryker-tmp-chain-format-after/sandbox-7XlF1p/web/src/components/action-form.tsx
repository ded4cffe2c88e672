// @ts-nocheck
import { useState, type FormEvent, type ReactNode, type Ref } from 'react';
import type * as z from 'zod/mini';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorMessage } from './error-message';
import { Field, fieldAria, submitOnCtrlEnter, useInPlaceForm, useSchemaForm } from './forms';

export interface ActionFormProps {
  /** Prefix of the element ids (`${id}-h` names the heading). */
  id: string;
  title?: string;
  level?: 2 | 3;
  /** Paragraphs between the heading and the fields. */
  intro?: ReactNode;
  testId?: string;
  /** `card` unless given; the form's own class. */
  className?: string;
  busy: boolean;
  /** What the last submit threw; shown above the fields. */
  error: unknown;
  /** Offered when the record changed meanwhile (412): load it again instead of retrying blindly. */
  onReload?: () => void;
  submitLabel: string;
  tone?: 'primary' | 'danger';
  small?: boolean;
  /** Other submit buttons, after the main one. */
  extraActions?: ReactNode;
  onSubmit: () => void;
  /** Given for a form that opens in place of a button: it takes the keyboard, and Escape or Cancel close it. */
  onCancel?: () => void;
  children: ReactNode;
}

/**
 * A form that does one thing: heading, intro, the error of the last try, its fields, and the
 * submit button (saying so while the request is in flight) with an optional cancel.
 */
export function ActionForm({ id, title, level = 2, intro, testId, className = 'card', busy, error, onReload, submitLabel, tone = 'primary', small, extraActions, onSubmit, onCancel, children }: ActionFormProps) {
  const { t } = useI18n();
  const inPlace = useInPlaceForm(onCancel, busy);
  const Heading = level === 2 ? 'h2' : 'h3';
  const size = small ? ' btn-small' : '';
  const send = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form ref={inPlace.ref} onSubmit={send} onKeyDown={inPlace.onKeyDown} noValidate aria-labelledby={title ? `${id}-h` : undefined} className={className || undefined} data-testid={testId}>
      {title && <Heading id={`${id}-h`}>{title}</Heading>}
      {intro}
      {error !== undefined && <ErrorMessage error={error} onRetry={onReload && error instanceof ApiError && error.status === 412 ? onReload : undefined} />}
      {children}
      <div className="form-actions">
        <button className={`btn btn-${tone}${size}`} type="submit" disabled={busy}>
          {busy ? t('app.saving') : submitLabel}
        </button>
        {extraActions}
        {onCancel && (
          <button className={`btn${size}`} type="button" onClick={onCancel} disabled={busy}>
            {t('app.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

export interface ReasonFieldProps {
  id: string;
  label: string;
  /** Said before the count of characters left. */
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  /** The contract's limit; the field counts towards it. */
  max: number;
  inputRef?: Ref<HTMLTextAreaElement>;
}

/** Why (begrunnelse): a text area that counts its characters against the limit; Ctrl+Enter submits. */
export function ReasonField({ id, label, hint, value, onChange, error, max, inputRef }: ReasonFieldProps) {
  const { t } = useI18n();
  const count = t('reason.count', { n: value.length, max });
  return (
    <Field id={id} label={label} hint={hint ? `${hint} ${count}` : count} error={error}>
      <textarea ref={inputRef} {...fieldAria(id, error, true)} className="reason-text" value={value} rows={3} maxLength={max} onChange={(e) => onChange(e.target.value)} onKeyDown={submitOnCtrlEnter} />
    </Field>
  );
}

/**
 * A form whose point is a reason (emergency access, a correction, entered in error, a care
 * relationship, a suspension ...): the page's own fields first, then the reason, then the buttons.
 */
export function ReasonForm({ reason, errors, children, ...form }: Omit<ActionFormProps, 'children'> & { reason: Omit<ReasonFieldProps, 'id' | 'error'> & { name?: string }; errors: Record<string, string>; children?: ReactNode }) {
  const { name = 'reason', ...field } = reason;
  return (
    <ActionForm {...form}>
      {children}
      <ReasonField id={`${form.id}-${name}`} error={errors[name]} {...field} />
    </ActionForm>
  );
}

/**
 * A small button for a drastic step (suspend, disable) that opens a reason form in its place;
 * the reason is checked with the API's schema, Cancel closes the form again.
 */
export function ReasonButton({ id, label, reasonLabel, schema, onConfirm }: { id: string; label: string; reasonLabel: string; schema: z.ZodMiniType<{ reason: string }, { reason: string }>; onConfirm: (body: { reason: string }) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const form = useSchemaForm(schema);
  if (!open) {
    return (
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  }
  return (
    <ReasonForm
      id={id}
      className=""
      small
      busy={form.busy}
      error={form.error}
      submitLabel={label}
      tone="danger"
      onSubmit={() =>
        form.send({ reason }, async (body) => {
          await onConfirm(body);
          setOpen(false);
        })
      }
      onCancel={() => setOpen(false)}
      reason={{ label: reasonLabel, value: reason, onChange: setReason, max: 500 }}
      errors={form.errors}
    />
  );
}
