// @ts-nocheck
import type { Block, MyDocument } from '../../../../shared/contracts/sharing';
import { sharingApi } from '../../api/sharing';
import { ErrorMessage } from '../../components/error-message';
import { useSubmit } from '../../components/forms';
import { entryTypeLabel } from '../../components/journal-bits';
import { Async, Badge, DataTable, Empty, PageTitle } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { ChangeNotice, useChangeNotice } from '../../components/change-notice';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link } from '../../router';

/** The active block on exactly this document, which the row's button lifts. */
function documentBlock(doc: MyDocument, blocks: Block[]): Block | undefined {
  return blocks.find((b) => b.active && b.target.kind === 'document' && b.target.documentId === doc.id);
}

function DocumentRow({ doc, blocks, onChanged }: { doc: MyDocument; blocks: Block[] | undefined; onChanged: (message: MessageKey) => void }) {
  const { t, tOr, date } = useI18n();
  const submit = useSubmit();
  const own = blocks && documentBlock(doc, blocks);
  // Blocked by something wider (a category, all sharing): lifted on the blocks page, not here.
  const wider = blocks !== undefined && doc.blockedBy.length > 0 && !own;
  const title = doc.title ?? t('shared.withdrawn');
  const toggle = () =>
    void submit.run(async () => {
      if (own) {
        await sharingApi.liftMyBlock(own.id);
        onChanged('myDocs.lifted');
      } else {
        await sharingApi.createMyBlock({ kind: 'document', documentId: doc.id });
        onChanged('myDocs.blocked');
      }
    });
  return (
    <tr data-testid="my-document">
      <td>
        <strong>{title}</strong>
        <div className="muted small">{entryTypeLabel(tOr, doc.type)}</div>
      </td>
      <td>
        {doc.organisation.name}
        <div className="muted small">{doc.organisation.unit.name ?? doc.organisation.unit.id}</div>
      </td>
      <td>{date(doc.date)}</td>
      <td>
        {doc.blockedBy.length > 0 ? <Badge tone="danger">{t('myDocs.isBlocked')}</Badge> : <Badge tone="ok">{t('myDocs.isShared')}</Badge>}
        {wider && <div className="muted small">{t('myDocs.blockedWider')}</div>}
      </td>
      <td>
        {doc.status === 'current' && blocks !== undefined && !wider && (
          <button type="button" className={own ? 'btn' : 'btn btn-danger-outline'} onClick={toggle} disabled={submit.busy}>
            {submit.busy ? t('app.saving') : t(own ? 'myDocs.lift' : 'myDocs.block')}
            {/* The visible word starts the accessible name; the rest says which document. */}
            <span className="sr-only"> {t(own ? 'myDocs.liftFor' : 'myDocs.blockFor', { title })}</span>
          </button>
        )}
        {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      </td>
    </tr>
  );
}

/** The citizen's documents in every municipality, each shareable or blocked with one button. */
export function MyDocumentsPage() {
  const { t } = useI18n();
  const { tick, notice, changed } = useChangeNotice();
  const docs = useApi(`my-docs:${tick}`, (signal) => sharingApi.myDocuments(signal));
  const blocks = useApi(`my-blocks:${tick}`, (signal) => sharingApi.myBlocks(signal));
  return (
    <>
      <PageTitle>{t('myDocs.title')}</PageTitle>
      <p className="lead">{t('myDocs.intro')}</p>
      <ChangeNotice notice={notice} testId="my-docs-notice" />
      {blocks.error !== undefined && <ErrorMessage error={blocks.error} onRetry={blocks.reload} />}
      <Async state={docs}>
        {(data) =>
          data.documents.length === 0 ? (
            <Empty>{t('myDocs.none')}</Empty>
          ) : (
            <DataTable testId="my-documents" caption={t('myDocs.title')} columns={[t('myDocs.document'), t('myDocs.where'), t('myDocs.date'), t('myDocs.status')]} actions={t('myDocs.actions')}>
              {data.documents.map((d) => (
                <DocumentRow key={d.id} doc={d} blocks={blocks.data?.blocks} onChanged={changed} />
              ))}
            </DataTable>
          )
        }
      </Async>
      <p>
        <Link to="/me/sharing">{t('myDocs.toBlocks')}</Link>
      </p>
    </>
  );
}
