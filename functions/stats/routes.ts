import { researchExtractQuerySchema, researchExtractSchema, researchProjectBodySchema, researchProjectPathSchema, researchProjectSchema, statsQuerySchema, statsReportSchema } from '../../shared/contracts/stats';
import { defineService } from '../../shared/http/service';

// Counts only, suppressed below the threshold: never a record, never a person.
const stats = defineService({ service: 'stats', problems: { 403: 'Not a leader of the municipality (or an operator, for national figures), or the municipality is suspended' } });

export const getMunicipalityStats = stats.route({
  id: 'getMunicipalityStats',
  method: 'GET',
  path: '/v1/stats',
  handler: 'functions/stats/handlers/get-municipality-stats.ts',
  // Read inside the leader's own tenant session (the statistics live in the municipality's partitions).
  plane: 'data',
  summary: "The municipality's statistics per unit and month (counts, small cells suppressed)",
  auth: 'token',
  roles: ['leder'],
  tenant: 'caller',
  query: statsQuerySchema,
  responses: { 200: { description: 'Statistics', schema: statsReportSchema } },
});

export const getNationalStats = stats.route({
  id: 'getNationalStats',
  method: 'GET',
  path: '/v1/platform/stats',
  handler: 'functions/stats/handlers/get-national-stats.ts',
  // The national sums are the platform's own items: no municipality's session, no tenant role.
  plane: 'operator',
  summary: 'National figures: the statistics summed over every municipality, by month (small cells suppressed)',
  auth: 'token',
  roles: ['operator'],
  tenant: 'none',
  query: statsQuerySchema,
  responses: { 200: { description: 'Statistics', schema: statsReportSchema } },
});

// Research extracts: the tenant admin approves a project and takes its extract. The data plane,
// since an extract opens records (birth year, gender) in the municipality's own session.
const research = { plane: 'data', auth: 'token', roles: ['tenant-admin'], tenant: 'caller' } as const;

export const approveResearchProject = stats.route({
  ...research,
  id: 'approveResearchProject',
  method: 'POST',
  path: '/v1/research/projects',
  handler: 'functions/stats/handlers/approve-research-project.ts',
  summary: 'Approve a research project (REK reference, purpose, period, variables)',
  body: researchProjectBodySchema,
  responses: { 201: { description: 'Approved', schema: researchProjectSchema } },
});

export const getResearchExtract = stats.route({
  ...research,
  id: 'getResearchExtract',
  method: 'GET',
  path: '/v1/research/projects/{projectId}/extract',
  handler: 'functions/stats/handlers/get-research-extract.ts',
  summary: "A page of the project's extract: per-project pseudonyms and the approved variables only; citizens who blocked research use are left out. Each page is audited, each included citizen's disclosure logged once",
  params: researchProjectPathSchema,
  query: researchExtractQuerySchema,
  problems: [404],
  responses: { 200: { description: 'Extract', schema: researchExtractSchema } },
});

export const statsRoutes = [getMunicipalityStats, getNationalStats, approveResearchProject, getResearchExtract];
