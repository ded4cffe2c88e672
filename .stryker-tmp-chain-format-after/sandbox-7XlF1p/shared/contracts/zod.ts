// @ts-nocheck
import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The zod every schema in shared/ and functions/ is built with: `zod/mini`, whose schemas carry
 * no methods and tree-shake, so a Lambda bundle loads a fraction of classic zod at cold start.
 * Import it as a namespace (`import * as z from '.../contracts/zod'`): esbuild drops what a
 * namespace import does not use, but keeps all of zod (every locale too) behind a `{ z }` object.
 *
 * Unlike classic zod, mini loads no locale: without one, every message we do not write ourselves
 * would read "Invalid input". English is what the API has always answered with, so it is set
 * here, where every schema module gets its zod.
 */
config(en());

export * from 'zod/mini';
