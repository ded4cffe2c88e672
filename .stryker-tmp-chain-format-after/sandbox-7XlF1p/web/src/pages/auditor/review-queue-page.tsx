// @ts-nocheck
import { useEffect, useRef, useState } from 'react';
import type * as z from 'zod/mini';
import { REVIEW_CONCLUSIONS, REVIEW_QUEUE_KINDS, reviewBodySchema, type reviewQueueItemSchema, type ReviewQueueKind } from '../../../../shared/contracts/audit';
import { auditApi } from '../../api/audit';
import { ActionLabel, auditEventLine, OutcomeBadge } from '../../components/audit-bits';
import { EventFacts } from '../../components/event-row';
import { ReasonForm } from '../../components/action-form';
import { SelectField, useSchemaForm } from '../../components/forms';
import { Badge, PageTitle, Fact } from '../../components/ui';
import { usePaged } from '../../components/use-api';
import { PagedList } from '../../components/paged-list';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type QueueItem = z.infer<typeof reviewQueueItemSchema>;
type Conclusion = (typeof REVIEW_CONCLUSIONS)[number];

function ReviewForm({ item, onDone, onCancel }: { item: QueueItem; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [conclusion, setConclusion] = useState<Conclusion>('no-action');
  const [note, setNote] = useState('');
  const form = useSchemaForm(reviewBodySchema);
  const onSubmit = () =>
    form.send({ conclusion, note }, async (body) => {
      await auditApi.review(item.id, body);
      onDone();
    });
  const id = `rv-${item.id.slice(0, 12)}`;
  return (
    <ReasonForm
      id={id}
      className="review-form"
      busy={form.busy}
      error={form.error}
      submitLabel={t('review.submit')}
      onSubmit={onSubmit}
      onCancel={onCancel}
      reason={{ name: 'note', label: t('review.note'), value: note, onChange: setNote, max: 2000 }}
      errors={form.errors}
    >
      <SelectField id={`${id}-c`} label={t('review.conclusion')} error={form.errors.conclusion} value={conclusion} values={REVIEW_CONCLUSIONS} labelOf={(c) => t(`review.conclusion.${c}` as MessageKey)} onChange={setConclusion} />
    </ReasonForm>
  );
}

function QueueCard({ item, onReviewed }: { item: QueueItem; onReviewed: () => void }) {
  const { t, tOr, dateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const reopen = useRef(false);
  // A cancelled review hands the keyboard back to the button that opened it.
  useEffect(() => {
    if (!open && reopen.current) {
      reopen.current = false;
      opener.current?.focus();
    }
  }, [open]);
  const ev = item.event;
  return (
    <li className="card queue-item" data-testid="queue-item">
      <p>
        <Badge tone={item.status === 'open' ? 'warn' : 'ok'}>{t(`review.status.${item.status}` as MessageKey)}</Badge> <strong>{dateTime(item.time)}</strong> · <ActionLabel action={item.action} />
        {ev && (
          <>
            {' '}
            <OutcomeBadge outcome={ev.outcome} />
          </>
        )}
      </p>
      {item.flagReason && (
        <p>
          <span className="muted">{t('review.flagReason')}:</span> {tOr(`flag.${item.flagReason}`, item.flagReason)}
        </p>
      )}
      {ev ? (
        <EventFacts line={{ ...auditEventLine(ev), patient: item.patient ?? ev.patient }}>
          <Fact label={t('audit.rule')}>{ev.rule && <code>{ev.rule}</code>}</Fact>
        </EventFacts>
      ) : (
        <div className="alert alert-error" role="alert">
          <p>{t('review.eventMissing')}</p>
        </div>
      )}
      {item.reviews.length > 0 && (
        <>
          <h3>{t('review.reviews')}</h3>
          <ul>
            {item.reviews.map((r) => (
              <li key={r.id}>
                {dateTime(r.time)} · {r.reviewer.name ?? r.reviewer.sub}: <strong>{t(`review.conclusion.${r.conclusion}` as MessageKey)}</strong> — {r.note}
              </li>
            ))}
          </ul>
        </>
      )}
      {open ? (
        <ReviewForm
          item={item}
          onDone={() => {
            setOpen(false);
            onReviewed();
          }}
          onCancel={() => {
            setOpen(false);
            reopen.current = true;
          }}
        />
      ) : (
        <button ref={opener} type="button" className="btn" onClick={() => setOpen(true)}>
          {t('review.open')}
          <span className="sr-only">
            {' '}
            {tOr(`auditAction.${item.action}`, item.action)}, {dateTime(item.time)}
          </span>
        </button>
      )}
    </li>
  );
}

/** The auditor's queue of flagged events (emergency access, self-made relationships, refusals), by status and kind. */
export function ReviewQueuePage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<'open' | 'reviewed' | 'all'>('open');
  const [kind, setKind] = useState<ReviewQueueKind | 'all'>('all');
  const list = usePaged<QueueItem>(`rq:${status}:${kind}`, async (cursor, signal) => auditApi.reviewQueue(status, kind, cursor, signal));
  return (
    <>
      <PageTitle>{t('review.title')}</PageTitle>
      <p className="lead">{t('review.intro')}</p>
      <div className="segmented" role="group" aria-label={t('review.filter')}>
        {(['open', 'reviewed', 'all'] as const).map((s) => (
          <button key={s} type="button" className="btn btn-small" aria-pressed={status === s} onClick={() => setStatus(s)}>
            {t(`review.filter.${s}` as MessageKey)}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label={t('review.kind')} data-testid="review-kind">
        {(['all', ...REVIEW_QUEUE_KINDS] as const).map((k) => (
          <button key={k} type="button" className="btn btn-small" aria-pressed={kind === k} onClick={() => setKind(k)}>
            {t(`review.kind.${k}` as MessageKey)}
          </button>
        ))}
      </div>
      <PagedList list={list} empty={t('review.empty')}>
        {(items) => (
          <ul className="plain-list" data-testid="review-queue">
            {items.map((item) => (
              <QueueCard key={item.id} item={item} onReviewed={list.reload} />
            ))}
          </ul>
        )}
      </PagedList>
    </>
  );
}
