// @ts-nocheck
import type { ReactNode } from 'react';
import type { AuditPatientView } from '../../../shared/contracts/audit';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { formatNationalId } from './journal-bits';
import { Badge, DataTable, Fact } from './ui';

/**
 * One logged event as every log view shows it (the auditor's events, a patient's events, the
 * review queue, the citizen's access log): the page says what and who in its own words, the rest
 * is rendered the same everywhere.
 */
export interface EventLine {
  id: string;
  time: string;
  /** Marked for log review. */
  flagged?: boolean;
  /** Under emergency access (akuttilgang). */
  emergency?: boolean;
  what: ReactNode;
  who: ReactNode;
  where?: ReactNode;
  patientId?: string;
  /** Who the patient is, where the reader's role may see it (the auditor). */
  patient?: AuditPatientView;
  purposeOfUse?: string;
  reasonCode?: string;
  /** The free-text reason: auditors only, never in the citizen's view. */
  reason?: string;
}

export type EventColumn = 'time' | 'what' | 'who' | 'where' | 'patient' | 'why';

/**
 * The patient an event concerns, linked to all of that patient's events: by name and national id
 * where the reader may see who it is, otherwise by record id.
 */
export function PatientLink({ patientId, patient, short = false }: { patientId: string; patient?: AuditPatientView; short?: boolean }) {
  const { t } = useI18n();
  const to = `/audit/events?patient=${encodeURIComponent(patientId)}`;
  if (patient) {
    return (
      <Link to={to} title={t('audit.eventsOfPatient', { name: patient.name })} data-testid="patient-link">
        {patient.name} <span className="muted small nowrap">{formatNationalId(patient.nationalId)}</span>
      </Link>
    );
  }
  return (
    <Link to={to} data-testid="patient-link">
      <code className={short ? 'small' : undefined}>{short ? `${patientId.slice(0, 8)}…` : patientId}</code>
    </Link>
  );
}

/** Why: purpose of use in words, the coded reason, and the free-text reason where the reader may see it. */
export function EventWhy({ line }: { line: EventLine }) {
  const { t, tOr } = useI18n();
  return (
    <>
      {line.emergency && (
        <>
          <Badge tone="danger">{t('audit.emergency')}</Badge>{' '}
        </>
      )}
      {line.purposeOfUse ? t(`purpose.${line.purposeOfUse}` as MessageKey) : '–'}
      {line.reasonCode && <div className="muted small">{tOr(`reasonCode.${line.reasonCode}`, line.reasonCode)}</div>}
      {line.reason && <div className="small">{line.reason}</div>}
    </>
  );
}

function EventCell({ column, line }: { column: EventColumn; line: EventLine }) {
  const { t, dateTime } = useI18n();
  switch (column) {
    case 'time':
      return (
        <td className="nowrap">
          {dateTime(line.time)}
          {line.flagged && (
            <>
              <br />
              <Badge tone="warn">{t('audit.flagged')}</Badge>
            </>
          )}
        </td>
      );
    case 'what':
      return <td>{line.what}</td>;
    case 'who':
      return <td>{line.who}</td>;
    case 'where':
      return <td>{line.where ?? '–'}</td>;
    case 'patient':
      return <td>{line.patientId ? <PatientLink patientId={line.patientId} patient={line.patient} short /> : '–'}</td>;
    case 'why':
      return (
        <td>
          <EventWhy line={line} />
        </td>
      );
  }
}

/** One event as a table row, its cells in the order of `columns`. */
export function EventRow({ line, columns }: { line: EventLine; columns: EventColumn[] }) {
  return (
    <tr className={line.emergency ? 'row-emergency' : undefined}>
      {columns.map((c) => (
        <EventCell key={c} column={c} line={line} />
      ))}
    </tr>
  );
}

/** Events as a table: the columns with their headings, one EventRow each. */
export function EventTable({ testId, columns, lines }: { testId: string; columns: { key: EventColumn; label: string }[]; lines: EventLine[] }) {
  const keys = columns.map((c) => c.key);
  return (
    <DataTable testId={testId} columns={columns.map((c) => c.label)}>
      {lines.map((line) => (
        <EventRow key={line.id} line={line} columns={keys} />
      ))}
    </DataTable>
  );
}

/** One event as a list of facts (a review-queue card): who, about whom, why; `children` adds more. */
export function EventFacts({ line, children }: { line: EventLine; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <dl className="facts">
      <Fact label={t('audit.who')}>{line.who}</Fact>
      <Fact label={t('audit.patient')}>{line.patientId && <PatientLink patientId={line.patientId} patient={line.patient} />}</Fact>
      <Fact label={t('audit.purpose')}>{line.purposeOfUse && <EventWhy line={{ ...line, reason: undefined }} />}</Fact>
      <Fact label={t('audit.reason')}>{line.reason}</Fact>
      {children}
    </dl>
  );
}
