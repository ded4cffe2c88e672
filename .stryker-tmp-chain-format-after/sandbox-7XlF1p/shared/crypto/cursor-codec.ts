// @ts-nocheck
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { config } from '../config';
import { ValidationError } from '../errors';
import { kmsModule, lazyKmsClient } from './kms-module';

/**
 * The one cursor codec. A list's cursor is its position (a DynamoDB key, a day and a key, per-
 * municipality positions...) sealed with AES-256-GCM under the platform cursor key, with the list
 * and the caller as additional authenticated data: a client cannot read the key layout, alter a
 * position, or use a cursor of one list or caller in another. Any of that is the same 400.
 *
 * Format (base64url): version byte, 12-byte IV, ciphertext, 16-byte tag.
 */

/** What a cursor is bound to; a cursor opens only with the same values. */
export interface CursorScope {
  /** The list, `<service>.<list>`: `journal.timeline`, `audit.tenant-events`. */
  list: string;
  /** The caller's municipality, where the request acts in one. */
  tenant?: string;
  /** The caller (token subject). */
  sub?: string;
  /** What the list is of, where the path names it: a patient, an entry. */
  of?: string;
}

/** Where a cursor came from in the request, for the 400's field list. */
export type CursorField = 'query.cursor' | 'body.cursor';

/** The one answer to a cursor that does not open: unknown, altered, expired key, or another list's. */
export function badCursor(field: CursorField = 'query.cursor'): ValidationError {
  return new ValidationError('Ugyldig cursor.', [{ field, message: 'Ukjent eller ugyldig cursor' }]);
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad(scope: CursorScope): Buffer {
  // NUL-separated: no field can contain a NUL (ids, kommunenummer, token subjects), so no two scopes share an AAD.
  return Buffer.from(['fellesjournal-cursor', String(VERSION), scope.list, scope.tenant ?? '', scope.sub ?? '', scope.of ?? ''].join('\u0000'));
}

export class CursorCodec {
  private key: Promise<Buffer> | undefined;

  /** `key` is called once, on the first cursor encoded or decoded. */
  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  private async secret(): Promise<Buffer> {
    if (!this.key) {
      const loading = this.loadKey().then((k) => {
        if (k.length !== 32) throw new Error('The cursor key must be 256 bits');
        return k;
      });
      // A failed load (KMS throttled) is tried again on the next cursor.
      loading.catch(() => (this.key = undefined));
      this.key = loading;
    }
    return this.key;
  }

  /** A list position as an opaque cursor bound to `scope`. */
  async seal(scope: CursorScope, position: unknown): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.secret(), iv);
    cipher.setAAD(aad(scope));
    const body = Buffer.concat([cipher.update(JSON.stringify(position), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The position a cursor sealed for the same scope holds; anything else is `badCursor`. */
  async open(scope: CursorScope, cursor: string, field: CursorField = 'query.cursor'): Promise<unknown> {
    const raw = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
    if (raw.length < 1 + IV_BYTES + TAG_BYTES + 1 || raw[0] !== VERSION) throw badCursor(field);
    const key = await this.secret();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(aad(scope));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      throw badCursor(field);
    }
  }
}

/** Locally: a 256-bit key file beside the tenant keystore, made once (tests get a fresh keystore per run). */
export function localCursorKey(dir: string): () => Promise<Buffer> {
  return async () => {
    const file = join(dir, 'cursor.key');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(file)) {
      try {
        // `wx`: two processes racing to create the key keep the first one's.
        writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  };
}

/** The label the AWS cursor key is derived from; a new label is a new key (every cursor out stops working). */
export const CURSOR_KEY_LABEL = 'fellesjournal/cursor-key/v1';

/**
 * In AWS: the key is HMAC-SHA-256(platform cursor HMAC key in KMS, fixed label), one GenerateMac
 * per container on its first cursor. The HMAC key never leaves KMS; only roles granted
 * kms:GenerateMac on it can make the cursor key, and no new SDK client or secret is needed.
 */
export function kmsCursorKey(kms: () => Promise<KMSClient>, keyId: string): () => Promise<Buffer> {
  return async () => {
    const { GenerateMacCommand } = await kmsModule();
    const out = await (await kms()).send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(CURSOR_KEY_LABEL) }));
    if (!out.Mac) throw new Error('KMS returned no MAC');
    return Buffer.from(out.Mac);
  };
}

let codec: CursorCodec | undefined;

/** The container's cursor codec; its key is read on first use only. */
export function cursors(): CursorCodec {
  if (codec) return codec;
  const cfg = config();
  if (cfg.keys.provider === 'local') {
    codec = new CursorCodec(localCursorKey(cfg.keys.keystoreDir ?? '.data/keys'));
  } else {
    const keyId = cfg.keys.cursorKeyId;
    if (!keyId) throw new Error('FJ_CURSOR_KEY_ID is required with the KMS key provider');
    codec = new CursorCodec(kmsCursorKey(lazyKmsClient(cfg.region), keyId));
  }
  return codec;
}

/** Seals `position` (absent on a list's last page) for `scope`. */
export async function sealCursor(scope: CursorScope, position: unknown): Promise<string | undefined> {
  return position === undefined ? undefined : cursors().seal(scope, position);
}

/** Opens a request's cursor (absent on a first page) for `scope`. */
export async function openCursor(scope: CursorScope, cursor: string | undefined, field: CursorField = 'query.cursor'): Promise<unknown> {
  return cursor === undefined ? undefined : cursors().open(scope, cursor, field);
}

/** Opens the cursor of a list whose position is a store page key (shared/db/tenant-db.ts `nextCursor`). */
export async function openKeyCursor(scope: CursorScope, cursor: string | undefined, field: CursorField = 'query.cursor'): Promise<string | undefined> {
  const position = await openCursor(scope, cursor, field);
  if (position !== undefined && typeof position !== 'string') throw badCursor(field);
  return position;
}

/** A page with its store page key (`nextCursor`) sealed for `scope`; a last page stays as it is. */
export async function sealPage<P extends { nextCursor?: string }>(scope: CursorScope, page: P): Promise<P> {
  if (page.nextCursor === undefined) return page;
  return { ...page, nextCursor: await cursors().seal(scope, page.nextCursor) };
}
