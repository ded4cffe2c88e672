// @ts-nocheck
import { useState } from 'react';
import { sharingApi } from '../../api/sharing';
import { BlockRow } from '../../components/block-bits';
import { NewBlockForm } from '../../components/block-form';
import { Async, Empty } from '../../components/ui';
import { useApi } from '../../components/use-api';
import { ChangeNotice, useChangeNotice } from '../../components/change-notice';
import { useI18n, type MessageKey } from '../../i18n/i18n';

/**
 * The patient's blocks, seen and changed by staff on the patient's behalf (e.g. a patient who
 * asks at the front desk). Closed until opened: every look is audited and shows in the patient's
 * access log, so it is not loaded with every visit to the patient page.
 */
export function PatientBlocks({ patientId, onChange }: { patientId: string; onChange: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const { tick, notice, changed: announce } = useChangeNotice();
  const list = useApi(open ? `patient-blocks:${patientId}:${tick}` : null, (signal) => sharingApi.patientBlocks(patientId, signal));
  const changed = (message: MessageKey) => {
    announce(message);
    onChange();
  };
  return (
    <section className="card" aria-labelledby="pb-h" data-testid="patient-blocks">
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <h2 id="pb-h" className="summary-heading">
            {t('staffBlocks.title')}
          </h2>{' '}
          <span className="muted small">{t('staffBlocks.summaryHint')}</span>
        </summary>
        <ChangeNotice notice={notice} testId="patient-blocks-notice" />
        <Async state={list}>
          {(data) => (
            <>
              {data.blocks.length === 0 && <Empty>{t('staffBlocks.none')}</Empty>}
              <ul className="plain-list">
                {data.blocks.map((b) => (
                  <BlockRow
                    key={b.id}
                    block={b}
                    staffView
                    onLift={async () => {
                      await sharingApi.liftPatientBlock(patientId, b.id);
                      changed('staffBlocks.liftedNotice');
                    }}
                  />
                ))}
              </ul>
            </>
          )}
        </Async>
        {open && (
          <NewBlockForm
            explainKey="staffBlocks.explain"
            withReason
            onSubmit={async (target, reason) => {
              await sharingApi.createPatientBlock(patientId, { target, reason });
              changed('staffBlocks.createdNotice');
            }}
          />
        )}
      </details>
    </section>
  );
}
