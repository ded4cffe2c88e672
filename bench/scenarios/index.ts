import type { BenchScenario } from '../context';
import { platformScenario } from './platform';
import { journalScenario } from './journal';
import { hotPatientScenario } from './hot-patient';
import { bundlesScenario } from './bundles';
import { sharingScenario } from './sharing';
import { cryptoScenario } from './crypto';
import { auditScenario } from './audit';
import { fhirScenario } from './fhir';
import { fhirProvideScenario } from './fhir-provide';
import { messagingScenario } from './messaging';
import { statsScenario } from './stats';
import { scaleScenario } from './scale';
import type { BenchResult } from '../lib';

/** Every scenario `npm run bench` runs, in order. Later services add theirs here. */
export const SCENARIOS: { name: string; run: BenchScenario }[] = [{ name: 'platform', run: platformScenario }, { name: 'journal', run: journalScenario }, { name: 'hot-patient', run: hotPatientScenario }, { name: 'bundles', run: bundlesScenario }, { name: 'sharing', run: sharingScenario }, { name: 'audit', run: auditScenario }, { name: 'fhir', run: fhirScenario }, { name: 'fhir-provide', run: fhirProvideScenario }, { name: 'messaging', run: messagingScenario }, { name: 'stats', run: statsScenario }, { name: 'scale', run: scaleScenario }];

/** Scenarios that measure without the local stack; they run first, before DynamoDB Local starts. */
export const QUIET_SCENARIOS: { name: string; run: () => Promise<BenchResult[]> }[] = [{ name: 'crypto', run: cryptoScenario }];
