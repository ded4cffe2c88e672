import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { ExportFile } from '../../shared/contracts/tenants';
import { ValidationError } from '../../shared/errors';

/** Where one offboarding export is written: a fresh folder under the operator's target. */
export interface ExportWriter {
  /** The folder (local path or s3:// prefix) holding this export. */
  readonly location: string;
  /** Writes one JSON document per line; returns what it wrote, counted and hashed. */
  writeNdjson(name: string, records: AsyncIterable<unknown> | Iterable<unknown>): Promise<ExportFile>;
  writeJson(name: string, value: unknown): Promise<ExportFile>;
}

/** Opens a writer for `target` (as the operator named it) and a folder name unique to this run. */
export type OpenExport = (target: string, folder: string) => Promise<ExportWriter>;

/**
 * A local directory. The export holds decrypted patient data, so the folder is created fresh
 * (never reused) and readable by the owner only.
 */
export class LocalDirectoryExport implements ExportWriter {
  readonly location: string;

  constructor(target: string, folder: string) {
    if (!isAbsolute(target)) throw new ValidationError('Eksportmålet må være en absolutt katalogsti.', [{ field: 'body.target', message: 'Absolutt sti påkrevd' }]);
    mkdirSync(resolve(target), { recursive: true, mode: 0o700 });
    this.location = join(resolve(target), folder);
    mkdirSync(this.location, { mode: 0o700 });
  }

  async writeNdjson(name: string, records: AsyncIterable<unknown> | Iterable<unknown>): Promise<ExportFile> {
    const stream = createWriteStream(join(this.location, name), { flags: 'wx', mode: 0o600 });
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

  async writeJson(name: string, value: unknown): Promise<ExportFile> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    const stream = createWriteStream(join(this.location, name), { flags: 'wx', mode: 0o600 });
    stream.end(text);
    await finished(stream);
    return { name, records: 1, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
  }
}

/** The writer for a target: a local directory path here; S3 URIs need the AWS writer. */
export function openExportFor(runtime: 'aws' | 'local'): OpenExport {
  return async (target, folder) => {
    if (target.startsWith('s3://')) {
      throw new ValidationError('Eksport til S3 er ikke tilgjengelig i denne versjonen; oppgi en katalogsti.', [{ field: 'body.target', message: 'S3 ikke støttet ennå' }]);
    }
    if (runtime === 'aws') {
      throw new ValidationError('I AWS må eksportmålet være en s3://-URI.', [{ field: 'body.target', message: 's3:// påkrevd' }]);
    }
    return new LocalDirectoryExport(target, folder);
  };
}
