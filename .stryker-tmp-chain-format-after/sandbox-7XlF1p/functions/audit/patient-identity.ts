// @ts-nocheck
import type { TenantSession } from '../../shared/db/sessions';
import { hasRole, type Caller } from '../../shared/auth/caller';
import type { AuditPatientView } from '../../shared/contracts/audit';
import { journalKeys, openPatient, type PatientItem } from '../core/journal-record';

/**
 * Who the patients of an audit view are, for the municipality's auditor: name and national id,
 * read and decrypted in the auditor's own municipality (the patient's record there), never journal
 * text. Vendor systems with `audit.read` get ids only. A patient no longer found stays an id.
 */

/** Whether the caller's role may see who a patient is in the audit views. */
export function seesPatientIdentity(caller: Caller): boolean {
  return caller.kind !== 'client' && hasRole(caller, 'auditor') && !hasRole(caller, 'operator');
}

async function identityOf(session: TenantSession, patientId: string): Promise<AuditPatientView | undefined> {
  const item = await session.db.get<PatientItem>('journal', journalKeys.patientPk(session.tenant, patientId), journalKeys.patientSk);
  if (!item) return undefined;
  const sealed = await openPatient(session, patientId, item.sealed);
  return { id: patientId, name: sealed.name, nationalId: sealed.nationalId };
}

/** The identities of these patients of the session's municipality (each looked up once), for a caller who may see them. */
export async function patientIdentities(caller: Caller, session: TenantSession, patientIds: (string | undefined)[]): Promise<Map<string, AuditPatientView>> {
  const found = new Map<string, AuditPatientView>();
  if (!seesPatientIdentity(caller)) return found;
  const ids = [...new Set(patientIds.filter((id): id is string => typeof id === 'string' && id.length > 0))];
  const identities = await Promise.all(ids.map((id) => identityOf(session, id)));
  for (const identity of identities) if (identity) found.set(identity.id, identity);
  return found;
}

/** The events with their patient named, where the caller may see who it is. */
export async function withPatients<T extends { patientId?: string }>(caller: Caller, session: TenantSession, items: T[]): Promise<(T & { patient?: AuditPatientView })[]> {
  const identities = await patientIdentities(caller, session, items.map((i) => i.patientId));
  return items.map((i) => {
    const patient = i.patientId ? identities.get(i.patientId) : undefined;
    return patient ? { ...i, patient } : i;
  });
}
