import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { InitializeMiddleware } from '@smithy/types';

/**
 * Adds a test's middleware to a DynamoDB client that may already have sent requests. The
 * platform's clients resolve each command's middleware stack once (`cacheMiddleware`,
 * shared/db/client.ts), so a middleware added later would never run and a test counting or
 * watching calls through it would pass without seeing any; this client resolves its stack on every
 * send again from here on. Returns the removal.
 */
export function observeDynamo(client: DynamoDBClient, name: string, middleware: InitializeMiddleware<object, object>): () => void {
  client.config.cacheMiddleware = false;
  client.middlewareStack.add(middleware as never, { step: 'initialize', name });
  return () => void client.middlewareStack.remove(name);
}
