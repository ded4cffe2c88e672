/**
 * A clinician without a care relationship is not met by an error: right after registering a new
 * patient, the patient page says what is missing and offers the two ways in (a care relationship
 * for oneself or one's unit, emergency access); registering the relationship opens the record.
 */
// @ts-nocheck

import { randomInt } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { useActor, useBrowser } from './browser';
import { seriousA11yViolations } from './a11y';

const baseUrl = inject('baseUrl');
// A new patient per run, so a reused stack never already has them (or a relationship with them).
const NATIONAL_ID = syntheticNationalId({ day: randomInt(1, 29), month: randomInt(1, 13), year: randomInt(1930, 2000) }, randomInt(0, 500));
const NAME = `Nora Nyregistrert ${NATIONAL_ID.slice(-5)}`;

const nurse = useActor(useBrowser(), baseUrl, 'bergen.sykepleier');

describe('a patient without a care relationship', () => {
  it('lands the clinician who registered the patient on what she can do, not on an error', async () => {
    const { page } = nurse;
    await page.getByRole('link', { name: 'Pasienter' }).first().click();
    const search = page.getByTestId('patient-search');
    await search.fill(NATIONAL_ID);
    await search.press('Enter');
    await page.getByRole('button', { name: 'Registrer pasienten i kommunen' }).click();
    await page.getByLabel('Navn', { exact: true }).fill(NAME);
    await page.getByRole('button', { name: 'Registrer pasient' }).click();
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();

    const panel = page.getByTestId('no-relationship');
    await panel.getByRole('heading', { name: 'Du har ikke en behandlingsrelasjon med denne pasienten' }).waitFor();
    await panel.getByTestId('relationship-form').waitFor();
    await panel.getByTestId('emergency-open').waitFor();
    // No red refusal anywhere, and no record content behind it.
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await expect(page.locator('main').textContent()).resolves.not.toContain('Ingen tilgang');
    await expect(page.getByTestId('timeline').count()).resolves.toBe(0);
    await expect(page.getByTestId('new-entry').count()).resolves.toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('registers a care relationship for her unit with a reason, and the page opens the record', async () => {
    const { page } = nurse;
    const form = page.getByTestId('relationship-form');
    await form.getByLabel('Gjelder').selectOption('unit');
    await form.getByLabel('Grunnlag').selectOption('service-decision');
    await form.getByLabel(/Begrunnelse/).fill('Hjemmesykepleie etter nytt vedtak');
    await form.getByRole('button', { name: 'Registrer' }).click();
    await expect(page.getByTestId('relationship-active').textContent()).resolves.toContain('via enheten');
    await expect(page.getByTestId('no-relationship').count()).resolves.toBe(0);
    // The record: its timeline (empty for a new patient), and writing is open.
    await page.getByRole('heading', { level: 2, name: 'Journal', exact: true }).waitFor();
    await page.getByText('Ingen journalnotater').waitFor();
    await page.getByTestId('new-entry').waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
  });
});
