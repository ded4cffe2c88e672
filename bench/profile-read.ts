import '../local/terminal-env';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { profileOnLocalStack, profiler } from './cpu-profile';
import { httpLoad, type HttpPlan } from './http-load';
import { NOTE, setUp } from './scenarios/journal';

/**
 * `node --import tsx bench/profile-read.ts [--op read|create-sign] [--count 3000] [--out file.cpuprofile]`:
 * where the Node CPU of an audited request goes: a read of one entry (`read`, the default), or an
 * entry written and signed in one request (`create-sign`, the `http.journal.create-sign` row).
 * Starts DynamoDB Local and the stack like the bench, sends the requests from an out-of-process
 * client at 16 connections, and records a V8 CPU profile of this process (gateway, handlers, SDK)
 * during the measured requests only; prints self time by area and function and writes the profile
 * (open it in Chrome DevTools or speedscope).
 */

const { values } = parseArgs({
  options: { op: { type: 'string', default: 'read' }, count: { type: 'string', default: '3000' }, out: { type: 'string', default: join(tmpdir(), 'fj-read.cpuprofile') } },
});
if (values.op !== 'read' && values.op !== 'create-sign') throw new Error('--op is read or create-sign');

profileOnLocalStack(async (stack) => {
  const fixtures = await setUp();
  const token = await stack.tokenFor('oslo.lege');
  const count = Number(values.count);
  const requests: Pick<HttpPlan, 'mode' | 'items'> =
    values.op === 'read'
      ? { mode: 'get', items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/entries/${f.entryId}` })) }
      : { mode: 'post', items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/entries`, body: { type: 'journalnotat', title: 'Ytelsestest', text: NOTE, sign: true } })) };
  const cpu = await profiler();
  let started = 0;
  const result = await httpLoad({ url: stack.url, token, ...requests, count, concurrency: 16, warmup: values.op === 'read' ? 1000 : 300 }, (phase) => {
    if (phase === 'start') {
      started = performance.now();
      cpu.start();
    }
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${result.ops} requests (${values.op}), ${result.opsPerSec.toFixed(1)} req/s, errors ${result.errors}; profiled ${seconds.toFixed(1)} s`);
  await cpu.stopAndReport(values.out, result.ops, 'request');
});
