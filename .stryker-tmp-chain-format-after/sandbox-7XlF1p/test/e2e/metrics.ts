// @ts-nocheck
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from './browser';

export interface BundleSize {
  files: { name: string; bytes: number; gzip: number }[];
  totalBytes: number;
  totalGzip: number;
}

/** The built client's JavaScript, raw and gzipped (level 9, as a CDN would serve it at best; level 6 differs by ~1 %). */
export function jsBundleSize(): BundleSize {
  const dir = join(REPO_ROOT, 'web', 'dist', 'assets');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((name) => {
      const raw = readFileSync(join(dir, name));
      return { name, bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
    });
  return { files, totalBytes: files.reduce((s, f) => s + f.bytes, 0), totalGzip: files.reduce((s, f) => s + f.gzip, 0) };
}

const lines: string[] = [];

/** A figure for the end-of-run summary (printed to stdout, so CI logs show it). */
export function report(line: string): void {
  lines.push(line);
  console.log(`e2e: ${line}`);
}
