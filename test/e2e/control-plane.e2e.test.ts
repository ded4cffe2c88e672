import { randomBytes, randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { isValidOrgNumber } from '../../shared/contracts/identifiers';
import { seriousA11yViolations } from './a11y';
import { actAs, screenshot, useBrowser } from './browser';

/** Tenant admin and operator screens against the control plane, and API errors shown as words. */
const baseUrl = inject('baseUrl');
const browser = useBrowser();

/** Each check as one user in a fresh profile, logged in; a failure leaves a screenshot named after the user. */
const as = (userId: string, body: (page: Page) => Promise<void>) => actAs(browser(), baseUrl, userId, body);

const vendorName = `Journalapp ${randomBytes(3).toString('hex')}`;
const temp = `oslo.vikar-${randomBytes(3).toString('hex')}`;

/** A synthetic organisation number with a valid check digit (mod 11). */
function syntheticOrgnr(): string {
  for (;;) {
    const base = `9${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    for (let d = 0; d <= 9; d++) if (isValidOrgNumber(`${base}${d}`)) return `${base}${d}`;
  }
}

describe('operator', () => {
  it('sees the municipalities and registers a vendor, whose secret is shown once', async () => {
    await as('drift', async (page) => {
      await page.getByRole('link', { name: 'Kommuner' }).first().click();
      const tenants = page.getByTestId('tenants');
      for (const name of ['Oslo', 'Bergen', 'Bodø']) await tenants.getByRole('cell', { name, exact: true }).waitFor();
      await screenshot(page, '13-operator-tenants');
      // The operator never reaches patient screens.
      await page.goto(`${baseUrl}/patients`);
      await page.getByRole('heading', { level: 1, name: 'Ingen tilgang' }).waitFor();

      await page.getByRole('link', { name: 'Leverandører' }).first().click();
      await page.getByLabel('Navn', { exact: true }).fill(vendorName);
      await page.getByLabel('Org.nr.').fill('123456785');
      await page.getByLabel('Kontaktperson').fill('Vera Leverandør');
      await page.getByLabel('E-post').fill('vera@example.invalid');
      await page.getByRole('button', { name: 'Registrer' }).click();
      const creds = page.getByTestId('vendor-credentials');
      await creds.waitFor();
      await expect(creds.textContent()).resolves.toMatch(/vnd-[0-9a-f]{16}/);
      await page.getByRole('button', { name: 'Jeg har tatt vare på det' }).click();
      await page.getByTestId('vendors').getByText(vendorName).waitFor();
      expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toMatch(/vnd-|secret/i);
    });
  });
});

describe('operator offboarding', () => {
  it('offboards a municipality and follows its job in the UI to the end: state, every step, export and key deletion', async () => {
    // A municipality of its own (Trøndelag county 50), so the demo municipalities stay as they are.
    const id = `50${String(randomInt(60, 100))}`;
    const name = `Avviklingsvik ${randomBytes(2).toString('hex')}`;
    const target = join(tmpdir(), `fj-e2e-offboard-${randomBytes(4).toString('hex')}`);
    await as('drift', async (page) => {
      await page.getByRole('link', { name: 'Kommuner' }).first().click();
      await page.getByLabel('Kommunenummer').fill(id);
      await page.getByLabel('Navn', { exact: true }).fill(name);
      await page.getByLabel('Organisasjonsnummer').fill(syntheticOrgnr());
      await page.getByRole('button', { name: 'Opprett kommune' }).click();
      const row = page.getByTestId('tenants').locator('tr', { hasText: name });
      await row.getByText('Aktiv', { exact: true }).waitFor();

      // Start: the form asks for the export target; a relative path is refused as words, nothing started.
      await row.getByRole('button', { name: 'Avvikle' }).click();
      await row.getByLabel('Eksportmål').fill('eksport/her');
      await row.getByRole('button', { name: 'Start avvikling' }).click();
      await row.getByText('Oppgi en absolutt katalogsti').waitFor();
      await expect(row.getByLabel('Eksportmål').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.getByTestId('offboard-job').count()).resolves.toBe(0);
      await row.getByLabel('Eksportmål').fill(target);
      await row.getByRole('button', { name: 'Start avvikling' }).click();

      // The job (202) is followed as it runs, until it has succeeded: each step done, export and key deletion shown.
      const job = page.getByTestId('offboard-job');
      await job.getByRole('heading', { name: `Avvikling av kommune ${id}` }).waitFor();
      await job.locator('[data-testid="offboard-job-state"][data-state="succeeded"]').waitFor({ timeout: 60_000 });
      await job.getByText('Fullført', { exact: true }).waitFor();
      for (const step of ['freeze', 'export', 'verify', 'key', 'finish']) {
        await expect(job.getByTestId(`offboard-step-${step}`).getAttribute('data-state'), step).resolves.toBe('done');
      }
      await job.getByText('5 av 5 steg ferdig').first().waitFor();
      const facts = (await job.locator('dl.facts').textContent()) ?? '';
      expect(facts).toContain(id);
      expect(facts).toContain(target);
      expect(facts).toMatch(/Nøkkelen slettes etter\d{4}-\d{2}-\d{2}/);
      // The registry row has moved on with it, and offers the job again.
      await row.locator('.badge', { hasText: 'Avviklet' }).waitFor();
      await expect(row.getByRole('button', { name: 'Avvikle' }).count()).resolves.toBe(0);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, '14-operator-offboarding');
    });
  });
});

describe('tenant admin', () => {
  it("manages the municipality's users and units, and sees a conflict from the API as words", async () => {
    await as('oslo.admin', async (page) => {
      await page.getByRole('link', { name: 'Brukere' }).first().click();
      await page.getByTestId('users').getByText('oslo.sykepleier').waitFor();
      await screenshot(page, '12-admin-users');
      // A username that exists: the API answers 409 problem+json, shown as a readable message.
      await page.getByLabel('Brukernavn').fill('oslo.lege');
      await page.getByLabel('Navn', { exact: true }).fill('Lars Lege på nytt');
      await page.getByRole('button', { name: 'Opprett bruker' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('Konflikt');
      expect(text).not.toContain('{');

      // Units by name, and no "disable" on the admin's own row.
      const users = page.getByTestId('users');
      await users.locator('tr', { hasText: 'oslo.sykepleier' }).getByText('Hjemmetjenesten Sagene').waitFor();
      await expect(users.textContent()).resolves.not.toContain('0301-hjem-sagene');
      const me = page.getByTestId('user-row').filter({ hasText: 'oslo.admin' });
      await me.getByText('Deg', { exact: true }).waitFor();
      await expect(me.getByRole('button', { name: 'Deaktiver' }).count()).resolves.toBe(0);
      await expect(page.getByTestId('user-row').filter({ hasText: 'oslo.lege' }).getByRole('button', { name: 'Deaktiver' }).count()).resolves.toBe(1);

      // A new user, then her roles, unit and HPR number changed in the UI (PATCH).
      await page.getByLabel('Brukernavn').fill(temp);
      await page.getByLabel('Navn', { exact: true }).fill('Vera Vikar');
      await page.getByRole('button', { name: 'Opprett bruker' }).click();
      const userRow = page.getByTestId('user-row').filter({ hasText: temp });
      await userRow.waitFor();
      await userRow.getByRole('button', { name: /^Endre/ }).click();
      const edit = page.getByTestId('user-edit-form');
      await expect(edit.getByLabel('Navn', { exact: true }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await edit.getByLabel('Loggransker').check();
      await edit.getByLabel('Enhet').selectOption({ label: 'Torshov legekontor' });
      await edit.getByLabel('HPR-nummer').fill('9100099');
      await edit.getByRole('button', { name: 'Lagre' }).click();
      await edit.waitFor({ state: 'detached' });
      await userRow.getByText('Torshov legekontor').waitFor();
      await expect(userRow.textContent()).resolves.toMatch(/Helsepersonell, Loggransker.*9100099/);

      await page.getByRole('link', { name: 'Enheter' }).first().click();
      await page.getByTestId('units').getByText('Hjemmetjenesten Sagene').waitFor();

      await page.getByRole('link', { name: 'Leverandører' }).first().click();
      const row = page.getByTestId('vendor-grants').locator('tr', { hasText: vendorName });
      await row.getByLabel('Lese journal').check();
      await row.getByRole('button', { name: /^Gi tilgang/ }).click();
      await row.getByText('Har tilgang').waitFor();
      // Once given, the row says so and until when; the button no longer offers to give it.
      await row.getByTestId('grant-since').getByText(/til tilgangen trekkes tilbake/).waitFor();
      await expect(row.getByRole('button', { name: /^Gi tilgang/ }).count()).resolves.toBe(0);
      await expect(row.getByRole('button', { name: /^Lagre endret scope/ }).isDisabled()).resolves.toBe(true);
      await row.getByRole('button', { name: 'Trekk tilbake' }).click();
      await page.getByTestId('vendor-grants').locator('tr', { hasText: vendorName }).getByText('Ingen tilgang').waitFor();
    });
  });

  it('works in English too', async () => {
    await as('oslo.admin', async (page) => {
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('link', { name: 'Units' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Units' }).waitFor();
      await page.getByTestId('units').getByText('Home care').first().waitFor();
      await page.getByRole('button', { name: 'Norsk' }).click();
    });
  });
});
