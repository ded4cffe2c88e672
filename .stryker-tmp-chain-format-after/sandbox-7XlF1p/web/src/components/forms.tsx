// @ts-nocheck
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type * as z from 'zod/mini';
import { ApiError } from '../api/client';

/** Field messages from a 400 problem+json (`body.title` -> `title`), to show beside the inputs. */
export function apiFieldErrors(error: unknown, prefix = 'body.'): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) {
    for (const e of error.problem?.errors ?? []) {
      const name = e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field;
      out[name] ??= e.message;
    }
  }
  return out;
}

/** Issues of a zod safeParse (the same schema the API validates with), by top-level field. */
export function issuesByField(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.length > 0 ? String(i.path[0]) : '_';
    out[key] ??= i.message;
  }
  return out;
}

/** A submit in flight: busy flag, the error to show, and a guard against double submits. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const inFlight = useRef(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/**
 * A submit checked first with the API's own zod schema: field messages from that check and from
 * the API's 400 answer (fields named `${prefix}name`), and the submit state.
 */
export function useSchemaForm<S extends z.ZodMiniType>(schema: S, prefix = 'body.') {
  const submit = useSubmit();
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...apiFieldErrors(submit.error, prefix), ...local };
  /** Checks `value`; when it passes, runs `action` with the parsed value. */
  const send = (value: z.input<S>, action: (data: z.output<S>) => Promise<unknown>): void => {
    const parsed = schema.safeParse(value);
    setLocal(parsed.success ? {} : issuesByField(parsed.error.issues));
    if (parsed.success) void submit.run(() => action(parsed.data));
  };
  return { ...submit, errors, send };
}

/** Ctrl/Cmd+Enter submits the form the text area belongs to. */
export function submitOnCtrlEnter(e: KeyboardEvent<HTMLTextAreaElement>): void {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  }
}

/** A labelled field with hint and error, wired for screen readers. */
export function Field({ id, label, hint, error, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {hint && (
          <>
            {' '}
            <span className="hint" id={`${id}-hint`}>
              {hint}
            </span>
          </>
        )}
      </label>
      {children}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A labelled choice among fixed values, each shown in words (`''` can stand for "any" or "none"). */
export function SelectField<V extends string>({ id, label, error, value, values, labelOf, onChange }: { id: string; label: ReactNode; error?: string; value: V; values: readonly V[]; labelOf: (value: V) => string; onChange: (value: V) => void }) {
  return (
    <Field id={id} label={label} error={error}>
      <select {...fieldAria(id, error)} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {values.map((v) => (
          <option key={v} value={v}>
            {labelOf(v)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** aria attributes for an input inside Field. */
export function fieldAria(id: string, error?: string, hint?: boolean) {
  const describedBy = [hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined } as const;
}

/**
 * A form that opens in place of a button: the keyboard lands on its first field, and Escape
 * cancels it (unless a save is in flight). Without `onCancel` the form is not in place: neither.
 */
export function useInPlaceForm(onCancel: (() => void) | undefined, busy = false) {
  const ref = useRef<HTMLFormElement>(null);
  const inPlace = onCancel !== undefined;
  useEffect(() => {
    if (inPlace) ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, [inPlace]);
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (onCancel && e.key === 'Escape' && !busy) {
      e.preventDefault();
      onCancel();
    }
  };
  return { ref, onKeyDown };
}

/** ISO instant from a datetime-local value, or undefined when empty or invalid. */
export function isoFromLocal(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** `YYYY-MM-DDTHH:mm` in local time, for a datetime-local input. */
export function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
