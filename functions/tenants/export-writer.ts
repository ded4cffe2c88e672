import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ExportFile } from '../../shared/contracts/tenants';
import { ValidationError } from '../../shared/errors';

/**
 * The S3 client costs 100-250 ms of module init; only an offboarding in AWS needs it, so every
 * other request of the tenants function starts without it.
 */
const s3Module = () => import('@aws-sdk/client-s3');

/** Where one offboarding export is written: a fresh folder under the operator's target. */
export interface ExportWriter {
  /** The folder (local path or s3:// prefix) holding this export. */
  readonly location: string;
  /**
   * Writes one JSON document per line; returns what it wrote, counted and hashed. Without
   * `replace` an existing file is never overwritten; with it, a retried page replaces what an
   * interrupted attempt of the same page left (same name, same records), so nothing is doubled.
   */
  writeNdjson(name: string, records: AsyncIterable<unknown> | Iterable<unknown>, options?: WriteOptions): Promise<ExportFile>;
  writeJson(name: string, value: unknown, options?: WriteOptions): Promise<ExportFile>;
}

export interface WriteOptions {
  replace?: boolean;
}

/**
 * Opens a writer for `target` (as the operator named it) and a folder name unique to this run;
 * `resume` reopens the folder of a run that was interrupted (it must not be a new one).
 */
export type OpenExport = (target: string, folder: string, options?: { resume?: boolean }) => Promise<ExportWriter>;

/**
 * A local directory. The export holds decrypted patient data, so the folder is created fresh
 * (never reused) and readable by the owner only.
 */
export class LocalDirectoryExport implements ExportWriter {
  readonly location: string;

  constructor(target: string, folder: string, options: { resume?: boolean } = {}) {
    if (!isAbsolute(target)) throw new ValidationError('Eksportmålet må være en absolutt katalogsti.', [{ field: 'body.target', message: 'Absolutt sti påkrevd' }]);
    mkdirSync(resolve(target), { recursive: true, mode: 0o700 });
    this.location = join(resolve(target), folder);
    if (options.resume && existsSync(this.location)) return;
    mkdirSync(this.location, { mode: 0o700 });
  }

  async writeNdjson(name: string, records: AsyncIterable<unknown> | Iterable<unknown>, options: WriteOptions = {}): Promise<ExportFile> {
    const stream = createWriteStream(join(this.location, name), { flags: options.replace ? 'w' : 'wx', mode: 0o600 });
    const hash = createHash('sha256');
    let count = 0;
    let bytes = 0;
    try {
      for await (const record of records) {
        const line = `${JSON.stringify(record)}\n`;
        hash.update(line);
        bytes += Buffer.byteLength(line);
        count += 1;
        if (!stream.write(line)) await once(stream, 'drain');
      }
    } finally {
      stream.end();
      await finished(stream);
    }
    return { name, records: count, bytes, sha256: hash.digest('hex') };
  }

  async writeJson(name: string, value: unknown, options: WriteOptions = {}): Promise<ExportFile> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    const stream = createWriteStream(join(this.location, name), { flags: options.replace ? 'w' : 'wx', mode: 0o600 });
    stream.end(text);
    await finished(stream);
    return { name, records: 1, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
  }
}

/** 8 MiB parts: above S3's 5 MiB minimum, small enough for a Lambda's memory. */
const PART_BYTES = 8 * 1024 * 1024;

/** `s3://bucket/prefix` split into bucket and a key prefix ending in `/` (or empty). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m?.[1]) throw new ValidationError('Ugyldig S3-URI.', [{ field: 'body.target', message: 'Forventet s3://bøtte/prefiks' }]);
  const prefix = (m[2] ?? '').replace(/^\/+/, '');
  return { bucket: m[1], prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

/**
 * An S3 prefix. NDJSON is streamed in multipart uploads (a failed upload is aborted, so no partial
 * object is left); every object is written with If-None-Match, so an export never overwrites one.
 * The bucket's default encryption (a KMS key) applies.
 */
export class S3Export implements ExportWriter {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    target: string,
    folder: string,
  ) {
    const { bucket, prefix } = parseS3Uri(target);
    this.bucket = bucket;
    this.prefix = `${prefix}${folder}/`;
    this.location = `s3://${bucket}/${this.prefix}`;
  }

  async writeNdjson(name: string, records: AsyncIterable<unknown> | Iterable<unknown>, options: WriteOptions = {}): Promise<ExportFile> {
    const Key = `${this.prefix}${name}`;
    const ifNoneMatch = options.replace ? {} : { IfNoneMatch: '*' };
    const hash = createHash('sha256');
    let count = 0;
    let bytes = 0;
    let chunks: Buffer[] = [];
    let buffered = 0;
    let uploadId: string | undefined;
    const parts: { PartNumber: number; ETag: string }[] = [];
    const flush = async () => {
      if (!uploadId) {
        const out = await this.s3.send(new (await s3Module()).CreateMultipartUploadCommand({ Bucket: this.bucket, Key, ContentType: 'application/x-ndjson' }));
        if (!out.UploadId) throw new Error('S3 returned no upload id');
        uploadId = out.UploadId;
      }
      const PartNumber = parts.length + 1;
      const out = await this.s3.send(new (await s3Module()).UploadPartCommand({ Bucket: this.bucket, Key, UploadId: uploadId, PartNumber, Body: Buffer.concat(chunks) }));
      if (!out.ETag) throw new Error('S3 returned no part ETag');
      parts.push({ PartNumber, ETag: out.ETag });
      chunks = [];
      buffered = 0;
    };
    try {
      for await (const record of records) {
        const line = Buffer.from(`${JSON.stringify(record)}\n`);
        hash.update(line);
        bytes += line.length;
        count += 1;
        chunks.push(line);
        buffered += line.length;
        if (buffered >= PART_BYTES) await flush();
      }
      if (!uploadId) {
        await this.s3.send(new (await s3Module()).PutObjectCommand({ Bucket: this.bucket, Key, Body: Buffer.concat(chunks), ContentType: 'application/x-ndjson', ...ifNoneMatch }));
      } else {
        if (buffered > 0) await flush();
        await this.s3.send(new (await s3Module()).CompleteMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...ifNoneMatch }));
      }
    } catch (error) {
      if (uploadId) await this.s3.send(new (await s3Module()).AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: uploadId })).catch(() => undefined);
      throw error;
    }
    return { name, records: count, bytes, sha256: hash.digest('hex') };
  }

  async writeJson(name: string, value: unknown, options: WriteOptions = {}): Promise<ExportFile> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    await this.s3.send(new (await s3Module()).PutObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${name}`, Body: text, ContentType: 'application/json', ...(options.replace ? {} : { IfNoneMatch: '*' }) }));
    return { name, records: 1, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
  }
}

let s3: S3Client | undefined;

/** The writer for a target: an s3:// URI in AWS, an absolute directory path locally. */
export function openExportFor(runtime: 'aws' | 'local', region?: string): OpenExport {
  return async (target, folder, options) => {
    if (runtime === 'aws') {
      if (!target.startsWith('s3://')) throw new ValidationError('I AWS må eksportmålet være en s3://-URI.', [{ field: 'body.target', message: 's3:// påkrevd' }]);
      s3 ??= new (await s3Module()).S3Client({ region });
      return new S3Export(s3, target, folder);
    }
    if (target.startsWith('s3://')) {
      throw new ValidationError('Lokalt må eksportmålet være en katalogsti; S3 brukes i AWS.', [{ field: 'body.target', message: 'Katalogsti påkrevd lokalt' }]);
    }
    return new LocalDirectoryExport(target, folder, options);
  };
}
