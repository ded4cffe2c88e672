// @ts-nocheck
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../local/stack';
import type { BenchResult } from './lib';

/** What every bench scenario gets: the running local stack and a raw client for baselines. */
export interface BenchContext {
  stack: LocalStack;
  stage: string;
  dynamo: DynamoDBClient;
  /** GET/POST through the gateway with a bearer token; resolves to the response status. */
  call: (path: string, token: string, init?: { method?: string; json?: unknown; headers?: Record<string, string> }) => Promise<Response>;
}

export type BenchScenario = (ctx: BenchContext) => Promise<BenchResult[]>;
