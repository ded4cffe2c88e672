/**
 * Starts a read now and hands its result over later. A use case issues the reads it will need
 * beside the access decision (one round trip instead of several), but looks at their results, and
 * their errors, only once access is allowed, so a refusal is always decided and audited first.
 * The read is settled at once, so a failure on a path that never asks for it can never become an
 * unhandled rejection (in Lambda: `Runtime.UnhandledPromiseRejection`); asking rethrows it.
 */
// @ts-nocheck

export function settle<T>(read: Promise<T>): Promise<() => T> {
  return read.then(
    (value) => () => value,
    (error: unknown) => () => {
      throw error;
    },
  );
}
