// @ts-nocheck
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * The write-once store for signed tree heads and their leaf sets. Nothing here reads config or the
 * audit table, so the independent verifier can use the read side with nothing but read access.
 */
export interface AnchorStore {
  /** Stores a new object; `exists` (and nothing changed) when the key is taken. Never overwrites. */
  put(key: string, body: string): Promise<'written' | 'exists'>;
  get(key: string): Promise<string | undefined>;
  /** Object keys under a prefix, ascending. */
  list(prefix: string): Promise<string[]>;
  /** The sub-folders directly under a prefix (each ending in `/`), ascending. */
  folders(prefix: string): Promise<string[]>;
  /** Where it is, for reports: a folder path or `s3://bucket`. */
  readonly location: string;
}

function safeKey(key: string): string {
  if (!/^[A-Za-z0-9._/-]+$/.test(key) || key.split('/').some((p) => p === '..' || p === '.' || p === '')) throw new Error(`bad anchor key: ${key}`);
  return key;
}

/**
 * Locally: a folder of files created with the `wx` flag (fail if it exists), so no code path here
 * can replace a tree head once written. (Anyone with the folder can still delete files; the chain
 * of tree heads makes a deletion visible, and in AWS Object Lock forbids it.)
 */
export class LocalAnchorStore implements AnchorStore {
  constructor(private readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  async put(key: string, body: string): Promise<'written' | 'exists'> {
    const file = join(this.dir, safeKey(key));
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, body, { flag: 'wx', mode: 0o400 });
      return 'written';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
      throw error;
    }
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return readFileSync(join(this.dir, safeKey(key)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private entries(prefix: string): { name: string; dir: boolean }[] {
    const folder = join(this.dir, ...safeKey(prefix.replace(/\/$/, '')).split('/'));
    try {
      return readdirSync(folder, { withFileTypes: true }).map((d) => ({ name: d.name, dir: d.isDirectory() }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    return this.entries(prefix).filter((e) => !e.dir).map((e) => `${prefix}${e.name}`).sort();
  }

  async folders(prefix: string): Promise<string[]> {
    return this.entries(prefix).filter((e) => e.dir).map((e) => `${prefix}${e.name}/`).sort();
  }
}

/**
 * In AWS: an S3 bucket with Object Lock. Every object is put with a compliance-mode retention
 * (nobody, not even the account root, can shorten it or delete the object before it ends) and
 * `If-None-Match: *`, so an existing key is never replaced.
 */
export class S3AnchorStore implements AnchorStore {
  constructor(
    private readonly s3: () => Promise<S3Client>,
    private readonly bucket: string,
    /** Compliance-mode retention per object; 0 for a read-only store (the verifier). */
    private readonly retentionDays: number,
  ) {}

  get location(): string {
    return `s3://${this.bucket}`;
  }

  async put(key: string, body: string): Promise<'written' | 'exists'> {
    if (this.retentionDays <= 0) throw new Error('this anchor store is read-only');
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const retainUntil = new Date(Date.now() + this.retentionDays * 86_400_000);
    try {
      await (await this.s3()).send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: safeKey(key),
          Body: body,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: retainUntil,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      return 'written';
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || (error as Error).name === 'PreconditionFailed') return 'exists';
      throw error;
    }
  }

  async get(key: string): Promise<string | undefined> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      const out = await (await this.s3()).send(new GetObjectCommand({ Bucket: this.bucket, Key: safeKey(key) }));
      return await out.Body?.transformToString('utf8');
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  private async listing(prefix: string, delimiter: boolean): Promise<string[]> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await (await this.s3()).send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(delimiter ? { Delimiter: '/' } : {}), ContinuationToken: token }),
      );
      if (delimiter) {
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      } else {
        for (const o of page.Contents ?? []) if (o.Key && !o.Key.slice(prefix.length).includes('/')) out.push(o.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  list(prefix: string): Promise<string[]> {
    return this.listing(prefix, false);
  }

  folders(prefix: string): Promise<string[]> {
    return this.listing(prefix, true);
  }
}
