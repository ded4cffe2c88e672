import type { BenchScenario } from '../context';
import { platformScenario } from './platform';
import { journalScenario } from './journal';
import { bundlesScenario } from './bundles';
import { sharingScenario } from './sharing';

/** Every scenario `npm run bench` runs, in order. Later services add theirs here. */
export const SCENARIOS: { name: string; run: BenchScenario }[] = [{ name: 'platform', run: platformScenario }, { name: 'journal', run: journalScenario }, { name: 'bundles', run: bundlesScenario }, { name: 'sharing', run: sharingScenario }];
