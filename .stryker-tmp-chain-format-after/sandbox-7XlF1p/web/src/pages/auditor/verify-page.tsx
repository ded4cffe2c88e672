// @ts-nocheck
import { useState, type FormEvent } from 'react';
import type { VerifyResult } from '../../../../shared/contracts/audit';
import { auditApi } from '../../api/audit';
import { ErrorMessage } from '../../components/error-message';
import { Field, useSubmit } from '../../components/forms';
import { Loading, PageTitle } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';

export interface Totals {
  ok: boolean;
  streams: number;
  events: number;
  broken: VerifyResult['broken'];
  checkpoints?: number;
}

/** The outcome of a chain check: whole or broken, what was checked, and each break. */
export function VerifyResultBox({ result }: { result: Totals }) {
  const { t } = useI18n();
  return (
    <div className={`alert ${result.ok ? 'alert-ok' : 'alert-error'}`} role="status" data-testid="verify-result">
      <p className="alert-title">{result.ok ? t('verify.ok') : t('verify.broken')}</p>
      <p>{t('verify.counts', { streams: result.streams, events: result.events })}</p>
      {result.checkpoints !== undefined && <p>{t('verify.checkpointsMade', { n: result.checkpoints })}</p>}
      {result.broken.length > 0 && (
        <ul>
          {result.broken.map((b) => (
            <li key={`${b.stream}:${b.seq}`}>
              <code>{b.patientId ?? b.stream}</code> · {t('verify.seq', { seq: b.seq })} · {t(`verify.reason.${b.reason}` as MessageKey)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Recomputes the hash chains (all of the municipality's, or one patient's) and names any break. */
export function VerifyPage() {
  const { t } = useI18n();
  const [patientId, setPatientId] = useState('');
  const [result, setResult] = useState<Totals>();
  const submit = useSubmit();

  const run = (withCheckpoints: boolean) =>
    submit.run(async () => {
      setResult(undefined);
      const totals: Totals = { ok: true, streams: 0, events: 0, broken: [], checkpoints: withCheckpoints ? 0 : undefined };
      let cursor: string | undefined;
      // A tenant-wide run comes in slices; follow nextCursor until it is complete.
      for (let i = 0; i < 1000; i++) {
        const body = { ...(patientId.trim() ? { patientId: patientId.trim() } : {}), ...(cursor ? { cursor } : {}) };
        let r: VerifyResult;
        if (withCheckpoints) {
          const c = await auditApi.checkpoint(body);
          totals.checkpoints = (totals.checkpoints ?? 0) + c.checkpointsMade;
          r = c;
        } else {
          r = await auditApi.verify(body);
        }
        totals.ok &&= r.ok;
        totals.streams += r.streamsChecked;
        totals.events += r.eventsChecked;
        totals.broken.push(...r.broken);
        if (r.complete || !r.nextCursor) break;
        cursor = r.nextCursor;
      }
      setResult(totals);
    });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run(false);
  };

  return (
    <>
      <PageTitle>{t('verify.title')}</PageTitle>
      <p className="lead">{t('verify.intro')}</p>
      <form className="card" onSubmit={onSubmit} noValidate>
        <div className="form-row">
          <Field id="vf-patient" label={t('verify.patient')} hint={t('verify.patientHint')}>
            <input id="vf-patient" value={patientId} onChange={(e) => setPatientId(e.target.value)} autoComplete="off" />
          </Field>
        </div>
        <div className="form-actions">
          <button className="btn btn-primary" type="submit" disabled={submit.busy}>
            {t('verify.run')}
          </button>
          <button className="btn" type="button" disabled={submit.busy} onClick={() => void run(true)}>
            {t('verify.checkpoint')}
          </button>
        </div>
      </form>
      {submit.busy && <Loading label={t('verify.running')} />}
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      {result && <VerifyResultBox result={result} />}
    </>
  );
}
