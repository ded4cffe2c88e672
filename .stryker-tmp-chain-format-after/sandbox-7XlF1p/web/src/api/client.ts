// @ts-nocheck
import { currentToken, endSession } from '../auth/session';
import { ApiError, request, type ApiResponse, type RequestOptions } from './http';

export { ApiError, type ApiResponse, type Problem } from './http';

/**
 * An authenticated API call. A 401 means the token is no longer accepted: the session ends and
 * the login page says so, instead of the screen failing on its own.
 */
export async function api<T>(path: string, options: Omit<RequestOptions, 'token'> = {}): Promise<ApiResponse<T>> {
  try {
    return await request<T>(path, { ...options, token: currentToken() });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) endSession('expired');
    throw error;
  }
}

/** A fresh idempotency key for a POST, so a retried click never creates two records. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
