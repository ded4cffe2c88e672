// @ts-nocheck
import type { Block } from '../../../shared/contracts/sharing';
import { useI18n } from '../i18n/i18n';
import { ErrorMessage } from './error-message';
import { useSubmit } from './forms';
import { entryTypeLabel } from './journal-bits';
import { Badge } from './ui';

/** What a block covers, in words the citizen recognises. */
export function BlockLabel({ block, documentTitles }: { block: Block; documentTitles?: Map<string, string> }) {
  const { t, tOr } = useI18n();
  const target = block.target;
  switch (target.kind) {
    case 'document':
      return <>{t('blocks.kind.document', { title: documentTitles?.get(target.documentId) ?? block.targetLabel ?? target.documentId })}</>;
    case 'category':
      return <>{t('blocks.kind.category', { category: entryTypeLabel(tOr, target.category) })}</>;
    case 'all-sharing':
      return <>{t('blocks.kind.all-sharing')}</>;
    case 'person':
      // The citizen's view carries no user id: a person who is no longer registered stays unnamed.
      return <>{t('blocks.kind.person', { who: block.targetLabel ?? target.userId ?? t('blocks.unnamedPerson') })}</>;
    case 'unit':
      return <>{block.targetLabel ? t('blocks.kind.unitNamed', { unit: block.targetLabel }) : t('blocks.kind.unit', { unit: target.unitId ?? t('blocks.unnamedUnit'), tenant: target.tenant })}</>;
    case 'named-person':
      return <>{t('blocks.kind.namedPerson', { who: block.targetLabel ?? target.name })}</>;
    case 'named-unit':
      return <>{t('blocks.kind.namedUnit', { unit: block.targetLabel ?? target.name })}</>;
  }
}

/** Who changed a block: the citizen, or staff on their behalf; seen by the citizen or by staff. */
export function changedByLabel(by: Block['createdBy'], t: ReturnType<typeof useI18n>['t'], staffView = false): string {
  if (by.kind === 'citizen') return t(staffView ? 'staffBlocks.byPatient' : 'blocks.byYou');
  return t(staffView ? 'staffBlocks.byStaff' : 'blocks.byStaff', { who: by.name ?? by.id ?? '', tenant: by.tenantId ?? '' });
}

/** One block: what it covers, who set (and lifted) it when, and a button to lift it while in force. */
export function BlockRow({ block, titles, staffView = false, onLift }: { block: Block; titles?: Map<string, string>; staffView?: boolean; onLift: () => Promise<void> }) {
  const { t, dateTime } = useI18n();
  const submit = useSubmit();
  return (
    <li className="block-item" data-testid={block.active ? 'block-active' : 'block-lifted'}>
      <span className="timeline-head">
        <strong>
          <BlockLabel block={block} documentTitles={titles} />
        </strong>{' '}
        {block.active ? <Badge tone="danger">{t('blocks.inForce')}</Badge> : <Badge>{t('blocks.liftedBadge')}</Badge>}
      </span>
      <span className="timeline-meta">
        {t('blocks.created', { time: dateTime(block.createdAt), by: changedByLabel(block.createdBy, t, staffView) })}
        {block.liftedAt && block.liftedBy && ` · ${t('blocks.lifted', { time: dateTime(block.liftedAt), by: changedByLabel(block.liftedBy, t, staffView) })}`}
      </span>
      {block.active && (
        <button type="button" className="btn" onClick={() => void submit.run(onLift)} disabled={submit.busy}>
          {submit.busy ? t('app.saving') : t('blocks.lift')}
          <span className="sr-only">
            {' '}
            <BlockLabel block={block} documentTitles={titles} />
          </span>
        </button>
      )}
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
    </li>
  );
}
