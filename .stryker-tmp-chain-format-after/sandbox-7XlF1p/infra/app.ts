// @ts-nocheck
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from './app-builder';
import { loadInfraConfig } from './config';

/**
 * `cdk synth` / `cdk deploy` entry. The config file comes from context `config`
 * (`npx cdk deploy --all -c config=infra/environments/prod.json`), default infra/environments/default.json.
 * Synthesis needs no network and no credentials.
 */
const app = new App();
const given: unknown = app.node.tryGetContext('config');
const file = typeof given === 'string' ? given : resolve(import.meta.dirname, 'environments', 'default.json');
await buildApp(loadInfraConfig(file), { app });
app.synth();
