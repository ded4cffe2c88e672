import type * as R from '../../../functions/stats/routes';
import { callRoute } from './routes';

/** The statistics API as the leader's screen uses it; checked against functions/stats/routes.ts. */
export const statsApi = {
  municipality: async (from: string, to: string, signal?: AbortSignal) =>
    (await callRoute<typeof R.getMunicipalityStats>('GET', '/v1/stats', { query: { from, to }, signal })).data,
  national: async (from: string, to: string, signal?: AbortSignal) =>
    (await callRoute<typeof R.getNationalStats>('GET', '/v1/platform/stats', { query: { from, to }, signal })).data,
};
