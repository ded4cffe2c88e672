// @ts-nocheck
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { CURSOR_KEY_LABEL, CursorCodec, kmsCursorKey, localCursorKey, type CursorScope } from '../../shared/crypto/cursor-codec';
import { ValidationError } from '../../shared/errors';

const codec = new CursorCodec(async () => randomBytes(32));
const timeline: CursorScope = { list: 'journal.timeline', tenant: '0301', sub: 'oslo.lege', of: '6f1c2e84-5b1a-4d7e-9a59-0c7d1f0e2b11' };
// A DynamoDB page key as the store hands it on (shared/db/tenant-db.ts): its layout must not show.
const position = Buffer.from(JSON.stringify({ pk: 'T#0301#P#6f1c2e84', sk: 'E#2026-01-01#e1', gsi1pk: 'T#0301#TL' })).toString('base64url');

async function refusal(p: Promise<unknown>): Promise<ValidationError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('the cursor codec', () => {
  it('round-trips a position for the same list and caller', async () => {
    const cursor = await codec.seal(timeline, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await codec.open(timeline, cursor)).toBe(position);
    const day = { d: '2026-03-01', c: position };
    expect(await codec.open({ list: 'audit.tenant-events' }, await codec.seal({ list: 'audit.tenant-events' }, day))).toEqual(day);
  });

  it('reveals no key layout and differs every time', async () => {
    const a = await codec.seal(timeline, position);
    const b = await codec.seal(timeline, position);
    expect(a).not.toBe(b);
    // Neither the cursor nor its bytes hold the key text or its base64 (markers long enough not to turn up by chance).
    for (const cursor of [a, b, Buffer.from(a, 'base64url').toString('latin1')]) {
      for (const text of ['T#0301', '"pk"', '"sk"', 'gsi1pk', 'E#2026', position.slice(0, 12), position.slice(-12)]) expect(cursor).not.toContain(text);
    }
  });

  it('refuses a cursor with any bit changed, cut short or lengthened', async () => {
    const cursor = await codec.seal(timeline, position);
    const raw = Buffer.from(cursor, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i] = bad[i]! ^ 0x01;
      await refusal(codec.open(timeline, bad.toString('base64url')));
    }
    await refusal(codec.open(timeline, raw.subarray(0, raw.length - 1).toString('base64url')));
    await refusal(codec.open(timeline, Buffer.concat([raw, Buffer.of(0)]).toString('base64url')));
    for (const junk of ['', 'garbage', 'not a cursor!', position]) await refusal(codec.open(timeline, junk));
  });

  it("refuses another list's, another caller's, another tenant's or another patient's cursor", async () => {
    const cursor = await codec.seal(timeline, position);
    for (const other of [
      { ...timeline, list: 'journal.entry-versions' },
      { ...timeline, sub: 'oslo.sykepleier' },
      { ...timeline, tenant: '4601' },
      { ...timeline, of: '00000000-0000-4000-8000-000000000000' },
      { list: timeline.list },
    ]) {
      await refusal(codec.open(other, cursor));
    }
  });

  it('refuses a cursor sealed under another key (another run, another region)', async () => {
    const cursor = await new CursorCodec(async () => randomBytes(32)).seal(timeline, position);
    await refusal(codec.open(timeline, cursor));
  });

  it('answers every refusal with the one 400 naming the field', async () => {
    const error = await refusal(codec.open(timeline, 'x', 'body.cursor'));
    expect(error.kind).toBe('validation');
    expect(error.issues).toEqual([{ field: 'body.cursor', message: 'Ukjent eller ugyldig cursor' }]);
    expect((await refusal(codec.open(timeline, 'x'))).issues[0]?.field).toBe('query.cursor');
  });

  it('reads its key once, on the first cursor, and refuses a key that is not 256 bits', async () => {
    let reads = 0;
    const lazy = new CursorCodec(async () => {
      reads += 1;
      return randomBytes(32);
    });
    expect(reads).toBe(0);
    await lazy.open(timeline, await lazy.seal(timeline, 1));
    await lazy.seal(timeline, 2);
    expect(reads).toBe(1);
    await expect(new CursorCodec(async () => randomBytes(16)).seal(timeline, 1)).rejects.toThrow(/256 bits/);
  });
});

describe('cursor keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fj-cursor-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('locally: made once beside the keystore and kept', async () => {
    const first = await localCursorKey(dir)();
    expect(first).toHaveLength(32);
    expect(await localCursorKey(dir)()).toEqual(first);
    expect(Buffer.from(readFileSync(join(dir, 'cursor.key'), 'utf8').trim(), 'base64')).toEqual(first);
  });

  it('in AWS: an HMAC of a fixed label under the cursor KMS key', async () => {
    const sent: { KeyId?: string; MacAlgorithm?: string; Message?: Uint8Array }[] = [];
    const kms = { send: async (command: { input: (typeof sent)[number] }) => (sent.push(command.input), { Mac: new Uint8Array(32).fill(7) }) } as unknown as KMSClient;
    const key = await kmsCursorKey(async () => kms, 'arn:aws:kms:eu-north-1:111122223333:key/cursor')();
    expect(key).toEqual(Buffer.alloc(32, 7));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ KeyId: 'arn:aws:kms:eu-north-1:111122223333:key/cursor', MacAlgorithm: 'HMAC_SHA_256' });
    expect(Buffer.from(sent[0]!.Message!).toString()).toBe(CURSOR_KEY_LABEL);
  });
});
