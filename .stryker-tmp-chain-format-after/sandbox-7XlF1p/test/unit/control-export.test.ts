// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { S3Export, parseS3Uri, openExportFor } from '../../functions/tenants/export-writer';

// Records what the writer asks of S3 and answers like S3 would; checks the requests we build.
function recordingS3(failOn?: string) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      sent.push({ name, input: command.input });
      if (name === failOn) throw new Error('SlowDown');
      if (name === 'CreateMultipartUploadCommand') return { UploadId: 'u-1' };
      if (name === 'UploadPartCommand') return { ETag: `"etag-${String(command.input.PartNumber)}"` };
      return {};
    },
  };
  return { client: client as never, sent };
}

describe('S3 export writer', () => {
  it('parses s3 URIs into bucket and prefix', () => {
    expect(parseS3Uri('s3://fj-exports/offboarding')).toEqual({ bucket: 'fj-exports', prefix: 'offboarding/' });
    expect(parseS3Uri('s3://fj-exports')).toEqual({ bucket: 'fj-exports', prefix: '' });
    expect(() => parseS3Uri('s3://X')).toThrow();
  });

  it('puts a small NDJSON file in one request, never overwriting', async () => {
    const { client, sent } = recordingS3();
    const writer = new S3Export(client, 's3://fj-exports/off', 'fellesjournal-4601-20260101T000000Z');
    const file = await writer.writeNdjson('journal.ndjson', [{ a: 1 }, { b: 2 }]);
    expect(writer.location).toBe('s3://fj-exports/off/fellesjournal-4601-20260101T000000Z/');
    expect(file).toMatchObject({ name: 'journal.ndjson', records: 2, bytes: 16 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ name: 'PutObjectCommand', input: { Bucket: 'fj-exports', Key: 'off/fellesjournal-4601-20260101T000000Z/journal.ndjson', IfNoneMatch: '*' } });
    expect(String(sent[0]?.input.Body)).toBe('{"a":1}\n{"b":2}\n');
  });

  it('streams a large file in 8 MiB parts and completes the upload', async () => {
    const { client, sent } = recordingS3();
    const record = { text: 'x'.repeat(1000) };
    async function* many() {
      for (let i = 0; i < 20_000; i++) yield record;
    }
    const file = await new S3Export(client, 's3://fj-exports', 'f').writeNdjson('journal.ndjson', many());
    expect(file.records).toBe(20_000);
    expect(sent.map((s) => s.name)).toEqual(['CreateMultipartUploadCommand', 'UploadPartCommand', 'UploadPartCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand']);
    const sizes = sent.filter((s) => s.name === 'UploadPartCommand').map((s) => (s.input.Body as Buffer).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(file.bytes);
    expect(sizes[0]).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(sent.at(-1)?.input).toMatchObject({ UploadId: 'u-1', IfNoneMatch: '*', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"etag-1"' }, { PartNumber: 2, ETag: '"etag-2"' }, { PartNumber: 3, ETag: '"etag-3"' }] } });
  });

  it('aborts the multipart upload when a part fails, leaving no partial object', async () => {
    const { client, sent } = recordingS3('UploadPartCommand');
    async function* many() {
      for (let i = 0; i < 10_000; i++) yield { text: 'y'.repeat(1000) };
    }
    await expect(new S3Export(client, 's3://fj-exports', 'f').writeNdjson('journal.ndjson', many())).rejects.toThrow('SlowDown');
    expect(sent.at(-1)).toMatchObject({ name: 'AbortMultipartUploadCommand', input: { UploadId: 'u-1' } });
  });

  it('refuses a local path in AWS and an S3 URI locally', async () => {
    await expect(openExportFor('aws')('/tmp/x', 'f')).rejects.toThrow(/s3/);
    await expect(openExportFor('local')('s3://fj-exports/x', 'f')).rejects.toThrow(/katalogsti/);
    await expect(openExportFor('local')('relative/dir', 'f')).rejects.toThrow(/absolutt/);
  });
});
