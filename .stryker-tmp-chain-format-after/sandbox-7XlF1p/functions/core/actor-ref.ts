// @ts-nocheck
import { lookupHasher } from '../../shared/crypto/lookup-hash';

/**
 * The opaque handle of who acted in an audit event, as the citizen's access log shows it
 * (`actorRef`): a keyed hash per citizen, so the log can name a person or system for filtering
 * and for "block this person" without handing out, or letting anyone confirm, an internal user
 * id. The same actor has a different handle in every citizen's log.
 */
export async function actorRefOf(actor: { sub?: unknown; clientId?: unknown }, citizenSub: string): Promise<string> {
  const who = typeof actor.clientId === 'string' ? `client:${actor.clientId}` : `user:${String(actor.sub)}`;
  return `p-${(await lookupHasher().hash('citizen-log-actor', `${citizenSub}\u0000${who}`)).slice(0, 22)}`;
}
