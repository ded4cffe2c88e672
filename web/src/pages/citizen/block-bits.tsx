import type { Block } from '../../../../shared/contracts/sharing';
import { entryTypeLabel } from '../../components/journal-bits';
import { useI18n } from '../../i18n/i18n';

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
      return <>{t('blocks.kind.person', { who: block.targetLabel ?? target.userId })}</>;
    case 'unit':
      return <>{block.targetLabel ? t('blocks.kind.unitNamed', { unit: block.targetLabel }) : t('blocks.kind.unit', { unit: target.unitId, tenant: target.tenant })}</>;
  }
}

/** Who changed a block: the citizen, or staff on their behalf. */
export function changedByLabel(by: Block['createdBy'], t: ReturnType<typeof useI18n>['t']): string {
  return by.kind === 'citizen' ? t('blocks.byYou') : t('blocks.byStaff', { who: by.name ?? by.id ?? '', tenant: by.tenantId ?? '' });
}
