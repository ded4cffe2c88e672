import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { actAs, screenshot, useActor, useBrowser } from './browser';
import { seriousA11yViolations } from './a11y';
import { report } from './metrics';

/**
 * The issue's story, in a real browser against `npm start`'s stack: an Oslo nurse finds a patient
 * she has no care relationship with yet, registers one (self-authorisation), writes and signs a
 * note and corrects it; the citizen sees the access in their log; a nurse in Bergen, where the
 * same citizen is also a patient, cannot see the note; she does see the discharge summary Oslo
 * shares, until the citizen blocks it; Bodø's doctor uses emergency access and sees its banner,
 * and Bodø's log reviewer finds it in the review queue; Oslo's log reviewer finds the nurse's
 * writing in the patient's events, and the chain intact.
 * It needs a fresh stack (the nurse must not have a care relationship with Ola yet), which is what
 * `npm run test:e2e` starts.
 */
const baseUrl = inject('baseUrl');
const OLA = { nationalId: '15838512329', name: 'Ola Testmann' };
// Bodø's patient; Bodø's doctor (at the legevakt) has no care relationship with him.
const EMIL = { nationalId: '29821298774', name: 'Emil Eksempel' };
// Unique per run, so a reused (persisted) stack cannot satisfy the assertions with old data.
const run = randomUUID().slice(0, 8);
const TITLE = `Fallvurdering ${run}`;
const TEXT = `Pasienten falt i gangen i natt. Ingen synlige skader. Blodtrykk 135/85. (${run})`;
const CORRECTED = `Pasienten falt i gangen i natt. Ingen synlige skader. Blodtrykk 153/85. (${run})`;
const REASON = 'Feil blodtrykk ført i første versjon';
const EMERGENCY_REASON = `Bevisstløs pasient på legevakten, trenger vaksinehistorikk (${run})`;

const browser = useBrowser();
let osloPatientUrl = '';

/** One step as `userId` in a fresh profile of its own, logged in; a failure leaves a screenshot named `name`. */
const as = (userId: string, name: string, body: (page: Page) => Promise<void>) => actAs(browser(), baseUrl, userId, body, name);

/** Finds a patient by national id in the own municipality and opens them. */
async function openPatient(page: Page, patient: { nationalId: string; name: string }): Promise<void> {
  await page.getByRole('link', { name: 'Pasienter' }).first().click();
  await page.getByTestId('patient-search').fill(patient.nationalId);
  await page.getByTestId('patient-search').press('Enter');
  await page.getByTestId('patient-results').getByRole('link', { name: patient.name }).click();
}

describe('clinician: find, write, sign, correct', () => {
  const nurse = useActor(browser, baseUrl, 'oslo.sykepleier');

  it('refuses a national id with wrong check digits before asking the API', async () => {
    const { page } = nurse;
    await page.getByRole('link', { name: 'Pasienter' }).first().click();
    const search = page.getByTestId('patient-search');
    await search.fill('15838512328');
    await search.press('Enter');
    await page.getByText('Ugyldig fødselsnummer eller D-nummer (kontrollsiffer).').waitFor();
    await expect(search.getAttribute('aria-invalid')).resolves.toBe('true');
  });

  it('takes the last hit off the screen when the next search is invalid', async () => {
    const { page } = nurse;
    const search = page.getByTestId('patient-search');
    await search.fill(OLA.nationalId);
    await search.press('Enter');
    await page.getByTestId('patient-results').getByRole('link', { name: OLA.name }).waitFor();
    // A mistyped number next: its error shows, and the previous patient is no longer offered.
    await search.fill('15838512328');
    await search.press('Enter');
    await page.getByText('Ugyldig fødselsnummer eller D-nummer (kontrollsiffer).').waitFor();
    await expect(page.getByTestId('patient-results').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: OLA.name }).count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'Treff' }).count()).resolves.toBe(0);
  });

  it('finds the patient by national id, and by name', async () => {
    const { page } = nurse;
    const search = page.getByTestId('patient-search');
    await search.fill('158385 12329');
    await search.press('Enter');
    const results = page.getByTestId('patient-results');
    await results.getByRole('link', { name: OLA.name }).waitFor();
    await search.fill('testmann');
    await search.press('Enter');
    await results.getByRole('link', { name: OLA.name }).waitFor();
    await screenshot(page, '03-patient-search');
    // The national id never reaches the address bar or storage.
    expect(page.url()).not.toContain(OLA.nationalId);
    await results.getByRole('link', { name: OLA.name }).click();
    await page.getByRole('heading', { level: 1, name: OLA.name }).waitFor();
    osloPatientUrl = page.url();
    expect(osloPatientUrl).toMatch(/\/patients\/[0-9a-f-]{36}$/);
  });

  it('explains that reading the record needs a care relationship, and registers one', async () => {
    const { page } = nurse;
    // Oslo's GP has a relationship with Ola (seed); this nurse does not, so the API refuses.
    await page.getByText('Du har ikke tjenstlig behov').waitFor();
    const form = page.getByTestId('relationship-form');
    await form.getByLabel('Grunnlag').selectOption('ordinary-care');
    await form.getByLabel(/Begrunnelse/).fill('Hjemmebesøk etter fall');
    await form.getByRole('button', { name: 'Registrer' }).click();
    await page.getByTestId('relationship-active').waitFor();
    // The timeline now loads: the Oslo GP's signed discharge summary from the seed.
    await page.getByTestId('timeline').getByText('Epikrise legevakt').waitFor();
  });

  it('writes a draft and signs it', async () => {
    const { page } = nurse;
    await page.getByTestId('new-entry').click();
    const form = page.getByTestId('entry-form');
    await form.getByLabel('Type').selectOption('sykepleienotat');
    await form.getByLabel('Tittel').fill(TITLE);
    await form.getByLabel(/^Tekst/).fill(TEXT);
    await screenshot(page, '04-new-note');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Lagre utkast' }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByTestId('entry').getByText('Utkast').waitFor();
    await page.getByRole('button', { name: 'Signer' }).click();
    await page.getByTestId('entry-notice').getByText('Notatet er signert.').waitFor();
    await page.getByTestId('entry').getByText('Signert', { exact: true }).waitFor();
    await expect(page.getByTestId('entry').textContent()).resolves.toContain('HPR 9100001');
    // The unit by its name, not its id.
    await page.getByTestId('entry').getByText('Hjemmetjenesten Sagene').waitFor();
    await expect(page.getByTestId('entry').textContent()).resolves.not.toContain('0301-hjem-sagene');
  });

  it('corrects the signed note with a reason; every version stays readable', async () => {
    const { page } = nurse;
    await page.getByRole('button', { name: 'Rett notatet' }).click();
    const form = page.getByTestId('correct-form');
    // A reason is required: the shared contract says so before the API is asked.
    await form.getByRole('button', { name: 'Lagre retting' }).click();
    await form.getByText('Oppgi hvorfor journalnotatet rettes').waitFor();
    await form.getByLabel(/^Tekst/).fill(CORRECTED);
    await form.getByLabel('Hvorfor rettes notatet?').fill(REASON);
    await form.getByRole('button', { name: 'Lagre retting' }).click();
    await page.getByTestId('entry-notice').getByText('Rettingen er lagret som en ny versjon.').waitFor();
    await page.getByTestId('entry-text').filter({ hasText: CORRECTED }).waitFor();
    const versions = page.getByTestId('versions');
    await versions.getByText('versjon 3').waitFor();
    expect(await versions.locator('li').count()).toBe(3);
    await versions.getByText(REASON).waitFor();
    // Each version says what was done once, in words.
    const history = (await versions.textContent()) ?? '';
    expect(history).not.toMatch(/(Signert|Rettet)\s*·?\s*\1/);
    await versions.locator('li').last().getByText('Opprettet som utkast').waitFor();
    // The first version's text is still there.
    const first = versions.locator('li').last();
    await first.getByText(/Vis teksten/).click();
    await first.getByText(TEXT).waitFor();
    await screenshot(page, '05-entry-history');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('link', { name: /Tilbake til pasienten/ }).click();
    await page.getByTestId('timeline').getByText(TITLE).waitFor();
    await expect(page.getByTestId('timeline').textContent()).resolves.not.toContain('0301-hjem-sagene');
    await screenshot(page, '06-patient-timeline');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
  it("registers and lifts a block on the patient's behalf, with a reason", async () => {
    const { page } = nurse;
    const card = page.getByTestId('patient-blocks');
    await card.getByText('Pasientens sperringer').click();
    await card.getByText('Pasienten har ingen sperringer.').waitFor();
    const form = card.getByTestId('block-form');
    await form.getByLabel('Dokumenttype').selectOption('legemiddel');
    // Staff must say why; the shared schema says so before the API is asked.
    await form.getByRole('button', { name: 'Sperr' }).click();
    await form.getByText('Oppgi en begrunnelse').waitFor();
    await form.getByLabel(/^Begrunnelse/).fill('Pasienten ba om det ved hjemmebesøket');
    await form.getByRole('button', { name: 'Sperr' }).click();
    const block = card.getByTestId('block-active').filter({ hasText: 'Alle dokumenter av typen Legemiddelopplysning' });
    await block.getByText(/Satt .* av Sara Sykepleier \(oslo\) \(0301\)/).waitFor();
    await block.getByRole('button', { name: /^Opphev/ }).click();
    await card.getByTestId('block-lifted').filter({ hasText: 'Legemiddelopplysning' }).waitFor();
  });
});

describe('citizen: who has looked at my record', () => {
  it('shows the Oslo nurse in the access log, and the corrected note in the record', async () => {
    await as('innbygger.ola', 'citizen', async (page) => {
      await page.getByRole('link', { name: 'Hvem har sett journalen min' }).first().click();
      const log = page.getByTestId('access-log');
      await log.locator('tr', { hasText: 'Sara Sykepleier (oslo)' }).first().waitFor();
      await expect(log.locator('tr', { hasText: 'Sara Sykepleier (oslo)' }).first().textContent()).resolves.toContain('Oslo');
      // By default only health personnel's and systems' accesses, in words that say what happened (issue 16.7).
      // The nurse's newest row may be any of her accesses (e.g. listing shared documents): one of her rows says she read or wrote.
      const nurseRows = (await log.locator('tr', { hasText: 'Sara Sykepleier (oslo)' }).allTextContents()).join('\n');
      expect(nurseRows).toMatch(/Åpnet journalen|Leste et notat|Skrev et notat|Endret et notat|Søkte deg opp|Registrerte/);
      const logText = (await log.textContent()) ?? '';
      expect(logText).not.toMatch(/Innbygger|Deg selv|Du så|Delte/);
      // The citizen's own views are behind the filter.
      await page.getByLabel('Vis', { exact: true }).selectOption('own');
      await page.getByTestId('access-log-filter').getByRole('button', { name: 'Bruk avgrensning' }).click();
      await log.getByText('Du så denne loggen').first().waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByLabel('Vis', { exact: true }).selectOption('others');
      await page.getByTestId('access-log-filter').getByRole('button', { name: 'Bruk avgrensning' }).click();
      await log.locator('tr', { hasText: 'Sara Sykepleier (oslo)' }).first().waitFor();
      await screenshot(page, '07-citizen-access-log');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('link', { name: 'Min journal' }).first().click();
      // By its heading: Bergen's record names Oslo too (a message from Oslo kept in Bergen's journal).
      const oslo = page.getByRole('region', { name: 'Oslo (0301)' });
      await oslo.getByText(TITLE).click();
      await oslo.getByText(CORRECTED).waitFor();
    });
  });
});

describe('another municipality', () => {
  it("cannot see Oslo's note, neither through its own record of the citizen nor by Oslo's address", async () => {
    await as('bergen.sykepleier', 'other-municipality', async (page) => {
      // Ola is also Bergen's patient: Bergen's record of him has no trace of Oslo's note.
      await openPatient(page, OLA);
      await page.getByTestId('timeline').getByText('Hjemmebesøk').first().waitFor();
      await expect(page.getByTestId('timeline').textContent()).resolves.not.toContain(TITLE);
      // Oslo's patient id, typed in: a readable refusal, no patient data.
      await page.goto(osloPatientUrl);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toMatch(/Finnes ikke|Ingen tilgang/);
      await expect(page.locator('main').textContent()).resolves.not.toContain(OLA.nationalId.slice(6));
      await screenshot(page, '08-other-municipality-refused');
    });
  });
});

describe('sharing across municipalities: documents, a block, emergency access', () => {
  const EPIKRISE = { title: 'Epikrise legevakt', text: 'Behandlet for forstuet ankel' };
  const bergen = useActor(browser, baseUrl, 'bergen.sykepleier');
  let documentUrl = '';

  it("shows Bergen's nurse the discharge summary Oslo shared, and opens it", async () => {
    const { page } = bergen;
    await openPatient(page, OLA);
    const shared = page.getByTestId('shared-documents');
    const doc = shared.getByTestId('shared-document').filter({ hasText: EPIKRISE.title });
    await doc.waitFor();
    await expect(doc.textContent()).resolves.toContain('Oslo');
    await screenshot(page, '14-shared-documents');
    await doc.getByRole('link', { name: EPIKRISE.title }).click();
    await page.getByTestId('shared-document-text').getByText(EPIKRISE.text).waitFor();
    documentUrl = page.url();
    expect(documentUrl).toMatch(/\/patients\/[0-9a-f-]{36}\/shared\/0301-[0-9a-f-]{36}$/);
    await screenshot(page, '15-shared-document');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('lets the citizen block that document for other municipalities', async () => {
    await as('innbygger.ola', 'citizen-block', async (page) => {
      await page.getByRole('link', { name: 'Mine dokumenter' }).first().click();
      const row = page.getByTestId('my-document').filter({ hasText: EPIKRISE.title });
      await row.getByRole('button', { name: `Sperr «${EPIKRISE.title}» for andre kommuner` }).click();
      await page.getByTestId('my-docs-notice').getByText('Dokumentet er sperret for andre kommuner.').waitFor();
      await row.getByText('Sperret', { exact: true }).waitFor();
      await screenshot(page, '16-citizen-my-documents');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('link', { name: 'Sperringer og samtykke' }).first().click();
      await page.getByTestId('block-active').filter({ hasText: EPIKRISE.title }).waitFor();
      // A wider block is set and lifted again; the lifted one stays in the history.
      const form = page.getByTestId('block-form');
      await form.getByLabel('En type dokumenter').check();
      await form.getByLabel('Dokumenttype').selectOption('vaksinasjon');
      await form.getByRole('button', { name: 'Sperr' }).click();
      const category = page.getByTestId('block-active').filter({ hasText: 'Alle dokumenter av typen Vaksinasjon' });
      await category.getByRole('button', { name: /^Opphev/ }).click();
      await page.getByTestId('blocks-notice').getByText('Sperringen er opphevet.').waitFor();
      await category.waitFor({ state: 'detached' });
      await expect(page.getByTestId('block-active').count()).resolves.toBe(1);
      // Two lifted: the nurse's block on Ola's behalf (above) and this one.
      await page.getByText('Opphevede sperringer (2)').click();
      await page.getByTestId('block-lifted').filter({ hasText: 'Vaksinasjon' }).getByText(/opphevet .* av deg/).waitFor();
      // Consent where policy asks for it.
      const plan = page.getByTestId('consent').filter({ hasText: 'Tiltaksplan' });
      await plan.getByRole('button', { name: 'Gi samtykke til deling av Tiltaksplan' }).click();
      await plan.getByText('Samtykke gitt').waitFor();
      await screenshot(page, '17-citizen-blocks');
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });

  it("shows Bergen's nurse the document as blocked, without its content", async () => {
    const { page } = bergen;
    await page.goto(documentUrl);
    const blocked = page.getByTestId('document-blocked');
    await blocked.waitFor();
    await expect(blocked.textContent()).resolves.toContain('sperret');
    await expect(page.locator('main').textContent()).resolves.not.toContain(EPIKRISE.text);
    await screenshot(page, '18-shared-document-blocked');
    // Nor is it listed any more on the patient page.
    await page.getByRole('link', { name: /Tilbake til pasienten/ }).click();
    await page.getByTestId('shared-documents').getByText('Ingen delte dokumenter fra andre kommuner.').waitFor();
  });

  it('gives a doctor without a care relationship emergency access with a reason, and shows it while it lasts', async () => {
    await as('bodo.lege', 'emergency', async (page) => {
      await openPatient(page, EMIL);
      await page.getByText('Du har ikke tjenstlig behov').waitFor();
      await page.getByTestId('emergency-open').click();
      const form = page.getByTestId('emergency-form');
      await form.getByText('Pasienten ser i innsynsloggen sin at du brukte akuttilgang, men ikke begrunnelsen.').waitFor();
      await expect(form.textContent()).resolves.not.toMatch(/kan bli vist til pasienten/);
      // By keyboard: the form opens on the reason, Tab reaches the button. The reason is checked
      // with the API's own schema before anything is sent.
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('em-reason');
      await page.keyboard.type('Akutt');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await form.getByText('Begrunnelsen må ha minst 10 tegn').waitFor();
      await form.getByLabel('Begrunnelse for akuttilgang').fill(EMERGENCY_REASON);
      await form.getByRole('button', { name: 'Gi meg akuttilgang' }).click();
      const banner = page.getByTestId('emergency-banner');
      await banner.waitFor();
      await expect(banner.textContent()).resolves.toMatch(/Akuttilgang aktiv\. Gjelder til .*\d{2}:\d{2} \(.*igjen\)/);
      // The record opens under emergency access, and the banner stays on the entry too.
      await page.getByTestId('timeline').getByText('Barnevaksinasjonsprogrammet').click();
      await page.getByTestId('entry-text').waitFor();
      await page.getByTestId('emergency-banner').waitFor();
      await page.getByRole('link', { name: /Tilbake til pasienten/ }).click();
      await page.getByTestId('timeline').waitFor();
      // Emergency access is for reading: once the access card knows there is no care
      // relationship, there is no "new note".
      await page.getByTestId('relationship-form').waitFor();
      await expect(page.getByTestId('new-entry').count()).resolves.toBe(0);
      await screenshot(page, '19-emergency-access');
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });
  it("lets Bodø's log reviewer find the emergency access, with its reason, and record a review", async () => {
    await as('bodo.revisor', 'bodo-reviewer', async (page) => {
      // Akuttilgang is flagged for the data-owning municipality's auditor (DOMAIN.md item 7).
      await page.getByRole('link', { name: 'Gjennomgang' }).first().click();
      const item = page.getByTestId('queue-item').filter({ hasText: EMERGENCY_REASON }).first();
      await item.waitFor();
      await expect(item.textContent()).resolves.toContain('Lars Lege (bodo)');
      await screenshot(page, '10-auditor-review-queue');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await item.getByRole('button', { name: 'Vurder' }).click();
      await expect(item.getByLabel('Konklusjon').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await item.getByLabel('Konklusjon').selectOption('no-action');
      await item.getByLabel('Merknad').fill('Kontrollert mot legevaktjournalen: i orden.');
      await item.getByRole('button', { name: 'Lagre vurdering' }).click();
      await page.getByRole('button', { name: 'Vurdert' }).click();
      await page.getByTestId('queue-item').filter({ hasText: 'Kontrollert mot legevaktjournalen' }).first().waitFor();
    });
  });
});

describe("Oslo's log reviewer", () => {
  const reviewer = useActor(browser, baseUrl, 'oslo.revisor');

  it("finds the nurse's writing in the patient's events, and the patient's log chain is intact", async () => {
    const { page } = reviewer;
    await expect(page.getByTestId('who').textContent()).resolves.toContain('Loggransker');
    const patientId = osloPatientUrl.split('/').pop() ?? '';
    await page.goto(`${baseUrl}/audit/events?patient=${patientId}`);
    const events = page.getByTestId('audit-events');
    for (const action of ['Registrerte behandlingsrelasjon', 'Signerte journalnotat', 'Rettet journalnotat']) {
      await events.locator('tr', { hasText: action }).filter({ hasText: 'Sara Sykepleier (oslo)' }).first().waitFor();
    }
    // Her unit by name.
    await events.locator('tr', { hasText: 'Sara Sykepleier (oslo)' }).first().getByText(/Hjemmetjenesten Sagene/).waitFor();
    // The refused attempt before the relationship existed is in the log too.
    await events.locator('tr', { hasText: 'Avvist' }).filter({ hasText: 'Sara Sykepleier (oslo)' }).first().waitFor();
    await screenshot(page, '11-auditor-events');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Kjedekontroll' }).first().click();
    await page.getByLabel(/Bare én pasient/).fill(patientId);
    await page.getByRole('button', { name: 'Kontroller', exact: true }).click();
    await page.getByTestId('verify-result').getByText('Loggen er hel').waitFor();
  });

  it("finds the nurse's self-authorised care relationship in the review queue", async () => {
    const { page } = reviewer;
    // Selvautorisasjon is followed up in log review (DOMAIN.md item 7): the journal flags it.
    await page.getByRole('link', { name: 'Gjennomgang' }).first().click();
    const item = page.getByTestId('queue-item').filter({ hasText: 'Sara Sykepleier (oslo)' }).first();
    await item.waitFor();
    await expect(item.textContent()).resolves.toMatch(/behandlingsrelasjon/i);
    report('story: clinician -> citizen -> other municipality -> sharing, block, emergency access -> auditors walked');
  });

  it("finds the nurse's refused attempt in the review queue by kind, names the patient, and verifies the patient's chain from there", async () => {
    const { page } = reviewer;
    // Refusals are reviewed too: the refused read before the relationship existed is in Oslo's queue.
    await page.getByRole('link', { name: 'Gjennomgang' }).first().click();
    await page.getByTestId('review-kind').getByRole('button', { name: 'Avviste forsøk' }).click();
    const item = page.getByTestId('queue-item').filter({ hasText: 'Sara Sykepleier (oslo)' }).filter({ hasText: OLA.name }).first();
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('avvist forsøk');
    // Only refusals under this filter: the self-authorised relationship is not shown.
    await expect(page.getByTestId('review-queue').textContent()).resolves.not.toMatch(/selvautorisasjon/);
    // The patient by name and national id, not by record id.
    const patientLink = item.getByTestId('patient-link');
    await expect(patientLink.textContent()).resolves.toContain(`${OLA.nationalId.slice(0, 6)} ${OLA.nationalId.slice(6)}`);
    await expect(patientLink.textContent()).resolves.not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await screenshot(page, '20-auditor-refusal-queue');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // Follow the link to the patient's events, and verify that patient's chain without typing an id.
    await patientLink.click();
    const chain = page.getByTestId('patient-chain');
    await chain.getByText(OLA.name).waitFor();
    await page.getByTestId('audit-events').locator('tr', { hasText: 'Avvist' }).first().waitFor();
    await chain.getByRole('button', { name: 'Verifiser kjeden' }).click();
    await chain.getByTestId('verify-result').getByText('Loggen er hel').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});

describe('messages: a PLO request to another municipality, its receipts and answer, and the citizen’s dialogue (issue 21)', () => {
  const SUBJECT = `Tilsyn etter legevakt ${run}`;
  const CITIZEN_SUBJECT = `Besøkstid ${run}`;

  /** Reloads the thread until `text` shows (the outbox is swept every two seconds). */
  async function waitInThread(page: Page, text: string | RegExp): Promise<void> {
    for (let i = 0; i < 15; i++) {
      if ((await page.getByTestId('thread').getByText(text).count()) > 0) return;
      await page.waitForTimeout(1000);
      await page.reload();
    }
    await page.getByTestId('thread').getByText(text).first().waitFor();
  }

  it('lets the Oslo nurse write to Bergen’s home care about the patient, looking both up', async () => {
    await as('oslo.sykepleier', 'message-compose', async (page) => {
      await page.getByRole('link', { name: 'Meldinger' }).first().click();
      await page.getByRole('heading', { name: 'Enhetens meldinger' }).waitFor();
      await page.getByRole('link', { name: 'Ny melding' }).click();
      await page.getByLabel(/^Fødselsnummer, D-nummer eller navn/).fill(OLA.nationalId);
      await page.getByRole('button', { name: 'Finn pasient' }).click();
      await page.getByTestId('patient-hits').getByRole('button', { name: new RegExp(`^${OLA.name}`) }).click();
      await page.getByTestId('compose-patient').getByText(OLA.name).waitFor();
      await page.getByLabel(/^Søk etter mottaker/).fill('Fana');
      await page.getByLabel('Mottaker', { exact: true }).locator('option', { hasText: 'Hjemmesykepleien Fana' }).waitFor({ state: 'attached' });
      await page.getByLabel('Mottaker', { exact: true }).selectOption({ label: 'Hjemmesykepleien Fana (Bergen) — HER 846011 (annen kommune)' });
      await page.getByLabel('Meldingstype').selectOption('foresporsel');
      await page.getByLabel('Emne').fill(SUBJECT);
      await page.getByLabel('Tekst').fill('Pasienten er tilbake i Bergen. Ber om tilsyn ved neste hjemmebesøk.');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByRole('heading', { name: 'Meldingstråd' }).waitFor();
      await page.getByTestId('thread').getByText(SUBJECT).waitFor();
      // Delivered into Bergen's inbox by the outbox: the receipt moves it from Sendt to Levert.
      await waitInThread(page, 'Levert');
      await screenshot(page, '30-message-sent');
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });

  it('shows it in Bergen’s home-care inbox; opening it is the read receipt, and Bergen answers', async () => {
    await as('bergen.sykepleier', 'message-inbox', async (page) => {
      await page.getByRole('link', { name: 'Meldinger' }).first().click();
      const row = page.getByTestId('message-list').getByTestId('message-row').filter({ hasText: 'Hjemmetjenesten Sagene' }).first();
      await row.waitFor();
      await expect(row.textContent()).resolves.not.toContain(SUBJECT);
      await screenshot(page, '31-unit-inbox');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await row.getByRole('link', { name: /^Åpne/ }).click();
      await page.getByTestId('thread').getByText(SUBJECT).waitFor();
      await page.getByTestId('thread').getByText('Lest').first().waitFor();
      await page.getByLabel('Svar', { exact: true }).fill('Mottatt. Vi kommer innom på mandag.');
      await page.getByRole('button', { name: 'Send svar' }).click();
      await page.getByTestId('thread').getByText('Mottatt. Vi kommer innom på mandag.').waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });

  it('shows the Oslo nurse the answer, and her message as answered', async () => {
    await as('oslo.sykepleier', 'message-answered', async (page) => {
      await page.getByRole('link', { name: 'Meldinger' }).first().click();
      await page.getByRole('button', { name: 'Sendt' }).click();
      await page.getByTestId('message-list').getByTestId('message-row').filter({ hasText: 'Hjemmesykepleien Fana' }).first().getByRole('link', { name: /^Åpne/ }).click();
      await waitInThread(page, 'Mottatt. Vi kommer innom på mandag.');
      await page.getByTestId('thread-message').filter({ hasText: SUBJECT }).first().getByText('Besvart', { exact: true }).waitFor();
      await page.getByTestId('thread-message').first().getByText('Kvitteringer').click();
      await page.getByTestId('receipts').first().getByText(/^Levert/).waitFor();
      await screenshot(page, '32-message-thread-receipts');
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });

  it('lets the citizen write to her home care in Oslo and read the answer under Meldinger', async () => {
    await as('innbygger.ola', 'citizen-messages', async (page) => {
      await page.getByRole('link', { name: 'Meldinger' }).first().click();
      await page.getByRole('heading', { name: 'Meldinger', exact: true }).waitFor();
      await page.getByLabel('Mottaker').selectOption({ label: 'Hjemmetjenesten Sagene (Oslo)' });
      await page.getByLabel('Emne').fill(CITIZEN_SUBJECT);
      await page.getByLabel('Tekst').fill('Kan morgenbesøket komme etter klokken ni?');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByTestId('my-thread-messages').getByText('Kan morgenbesøket komme etter klokken ni?').waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
    await as('oslo.sykepleier', 'citizen-message-inbox', async (page) => {
      await page.getByRole('link', { name: 'Meldinger' }).first().click();
      await page.getByTestId('message-list').getByTestId('message-row').filter({ hasText: 'Innbygger' }).first().getByRole('link', { name: /^Åpne/ }).click();
      await page.getByTestId('thread').getByText(CITIZEN_SUBJECT).first().waitFor();
      await page.getByLabel('Svar', { exact: true }).fill('Ja, fra torsdag kommer vi etter ni.');
      await page.getByRole('button', { name: 'Send svar' }).click();
      await page.getByTestId('thread').getByText('Ja, fra torsdag kommer vi etter ni.').waitFor();
      // The citizen's question matters for the care: the nurse files it in the journal, and it links to its entry.
      const question = page.getByTestId('thread-message').filter({ hasText: 'Kan morgenbesøket komme etter klokken ni?' });
      await question.getByRole('button', { name: /^Før inn i journalen/ }).click();
      await question.getByTestId('filed').getByRole('link', { name: 'Ført i journalen' }).click();
      await page.getByText(`Dialogmelding: ${CITIZEN_SUBJECT}`).first().waitFor();
      await page.getByText('Kan morgenbesøket komme etter klokken ni?').first().waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
    await as('innbygger.ola', 'citizen-messages-answer', async (page) => {
      await page.getByRole('link', { name: 'Meldinger' }).first().click();
      const thread = page.getByTestId('my-thread').filter({ hasText: CITIZEN_SUBJECT });
      await thread.getByText('1 ulest').waitFor();
      await thread.getByRole('link', { name: /^Åpne/ }).click();
      await page.getByTestId('my-thread-messages').getByText('Ja, fra torsdag kommer vi etter ni.').waitFor();
      await screenshot(page, '33-citizen-messages');
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });
});

describe('the citizen blocks a person from her access log, and by name (issue 16.6)', () => {
  it('blocks the Oslo nurse from her row in the log; the block list names her, never an id', async () => {
    await as('innbygger.ola', 'citizen-block-from-log', async (page) => {
      await page.getByRole('link', { name: 'Hvem har sett journalen min' }).first().click();
      await page.getByLabel(/^Person/).fill('Sara Sykepleier (oslo)');
      await page.getByTestId('access-log-filter').getByRole('button', { name: 'Bruk avgrensning' }).click();
      const row = page.getByTestId('access-log').locator('tr', { hasText: 'Sara Sykepleier (oslo)' }).first();
      await row.getByRole('button', { name: /^Sperr denne personen/ }).click();
      const confirm = row.getByTestId('block-confirm');
      await confirm.getByText(/^Sperre Sara Sykepleier \(oslo\)\?/).waitFor();
      await screenshot(page, '21-citizen-block-from-log');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await confirm.getByRole('button', { name: 'Sperr', exact: true }).click();
      await row.getByTestId('blocked-from-log').getByText('Sara Sykepleier (oslo) er sperret.').waitFor();
      await row.getByRole('link', { name: 'Se sperringene dine' }).click();
      await page.getByTestId('block-active').filter({ hasText: 'Personen Sara Sykepleier (oslo)' }).waitFor();
      // By name and municipality: the same answer whether or not anyone there has the name.
      const form = page.getByTestId('block-form');
      await form.getByLabel('En bestemt person').check();
      await form.getByLabel(/^Personens navn/).fill('Ingen Slik Person');
      await form.getByLabel(/^Kommunenummer/).fill('0301');
      await form.getByRole('button', { name: 'Sperr' }).click();
      await page.getByTestId('blocks-notice').getByText('Sperringen gjelder fra nå.').waitFor();
      await page.getByTestId('block-active').filter({ hasText: 'Personer med navnet Ingen Slik Person (Oslo)' }).waitFor();
      // No internal user or unit id anywhere on the page.
      await expect(page.locator('main').textContent()).resolves.not.toMatch(/oslo\.sykepleier|0301-[a-z]/);
      await screenshot(page, '22-citizen-blocks-by-name');
      expect(await seriousA11yViolations(page)).toEqual([]);
      // Min journal names the unit a note was written in, not its id.
      await page.getByRole('link', { name: 'Min journal' }).first().click();
      // By its heading: Bergen's record names Oslo too (a message from Oslo kept in Bergen's journal).
      const oslo = page.getByRole('region', { name: 'Oslo (0301)' });
      await oslo.getByText(TITLE).click();
      // The opened note's line: the unit's other notes (a kept message among them) are folded away.
      await oslo.locator('.timeline-meta:visible', { hasText: /Hjemmetjenesten Sagene/ }).first().waitFor();
      await expect(oslo.textContent()).resolves.not.toContain('0301-hjem-sagene');
    });
  });

  it('to the blocked nurse the citizen is a patient who does not exist', async () => {
    await as('oslo.sykepleier', 'blocked-nurse', async (page) => {
      await page.getByRole('link', { name: 'Pasienter' }).first().click();
      await page.getByTestId('patient-search').fill(OLA.nationalId);
      await page.getByTestId('patient-search').press('Enter');
      await page.getByText('Ingen pasienter i kommunen passer søket.').waitFor();
      await expect(page.getByRole('link', { name: OLA.name }).count()).resolves.toBe(0);
      await page.goto(osloPatientUrl);
      await page.getByRole('alert').waitFor();
      await expect(page.locator('main').textContent()).resolves.not.toMatch(/sperr|blokk/i);
    });
  });

  it('gets the API’s answers in English when the screen is in English', async () => {
    await as('innbygger.ola', 'citizen-english', async (page) => {
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('link', { name: 'Blocks and consent' }).first().click();
      const form = page.getByTestId('block-form');
      await form.getByLabel('A named person').check();
      await form.getByLabel(/^Name of the person/).fill('Sara Sykepleier');
      await form.getByLabel(/^Municipality number/).fill('9999');
      await form.getByRole('button', { name: 'Block' }).click();
      await form.getByRole('alert').getByText('Unknown municipality.').waitFor();
      await page.getByRole('button', { name: 'Norsk' }).click();
    });
  });
});
