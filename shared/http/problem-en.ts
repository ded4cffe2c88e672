/**
 * English texts for the problem details thrown in functions/ and shared/, keyed by the Norwegian
 * detail; `{0}`, `{1}`, ... stand for the values a template inserts (same order, may move in the
 * English text). test/unit/problem-language.test.ts scans the source for every detail handed to a
 * DomainError and fails when one is missing here, so a new message needs its English text.
 */
export const EN_DETAILS: Readonly<Record<string, string>> = {
  'Ukjent identifikatorsystem.': 'Unknown identifier system.',
  // functions/messaging
  'Du er ikke registrert som pasient i denne kommunen.': 'You are not registered as a patient in this municipality.',
  'Enheten tar ikke imot meldinger fra innbyggere.': 'The unit does not take messages from citizens.',
  'Meldingstråden finnes ikke, eller enheten din er ikke part i den.': 'The thread does not exist, or your unit is not a party to it.',
  'Du tilhører ingen enhet, og meldinger sendes fra en enhet.': 'You belong to no unit, and messages are sent from a unit.',
  'Enheten din er ikke registrert som kommunikasjonspart (HER-id); be administrator registrere den.': 'Your unit is not registered as a communication party (HER-id); ask the administrator to register it.',
  'Vedlegg må være signerte journaldokumenter for pasienten.': "Attachments must be signed journal documents of the patient.",
  'Meldingen er allerede registrert, eller tråden ble endret; hent den på nytt.': 'The message is already registered, or the thread changed; fetch it again.',
  'Ukjent mottaker.': 'Unknown recipient.',
  'En enhet sender ikke meldinger til seg selv.': 'A unit does not send messages to itself.',
  'Samtalen finnes ikke.': 'The conversation does not exist.',
  'En ekstern part har bare HER-id, ikke kommune eller enhet.': 'An external party has a HER-id only, no municipality or unit.',
  'Bare kommunens egne enheter kan tilby innbyggerdialog.': "Only the municipality's own units can offer citizen dialogue.",
  'Oppgi enheten.': 'Give the unit.',
  'En egen enhet hører til denne kommunen.': 'An own unit belongs to this municipality.',
  'Oppgi den andre kommunen.': 'Give the other municipality.',
  'Enheten finnes ikke i kommunen.': 'The unit does not exist in the municipality.',
  'Ugyldig ITI-65-bundle; ingenting er lagret.': 'Invalid ITI-65 bundle; nothing was stored.',
  // shared/http, shared/auth, shared/tenancy, shared/db
  'Innholdet må være application/json.': 'The content must be application/json.',
  'Forespørselen er ikke gyldig JSON.': 'The request is not valid JSON.',
  'Forespørselen har ugyldige felt.': 'The request has invalid fields.',
  'Rollen din gir ikke tilgang til denne operasjonen.': 'Your role does not give access to this operation.',
  'Denne operasjonen er ikke åpen for leverandørsystemer.': 'This operation is not open to vendor systems.',
  'Mangler Authorization: Bearer-token.': 'Missing Authorization: Bearer token.',
  'Tokenet er utløpt.': 'The token has expired.',
  'Tokenet er ikke gyldig ({0}).': 'The token is not valid ({0}).',
  'Tokenets signatur er ugyldig.': 'The token signature is invalid.',
  'Tokenet er signert med en ukjent nøkkel.': 'The token is signed with an unknown key.',
  'Tokenet er ugyldig.': 'The token is invalid.',
  'Tokenet mangler påkrevde claims.': 'The token lacks required claims.',
  'Ugyldig kommunenummer: må være fire sifre.': 'Invalid municipality number: must be four digits.',
  'Ugyldig nøkkeldel.': 'Invalid key part.',
  'Forsøk på å lese eller skrive data utenfor egen kommune ble stoppet.': "An attempt to read or write data outside the caller's own municipality was stopped.",
  'Forsøk på å lese eller skrive data utenfor delingsøkten ble stoppet.': 'An attempt to read or write data outside the sharing-read session was stopped.',
  'Plattformtilgangen når ikke kommunenes data.': "The platform's own access does not reach municipalities' data.",
  'Ingen tilgang til kommunens data for denne innloggingen.': "This login gives no access to the municipality's data.",
  'Kommunen {0} er {1}; tjenesten er stengt for den.': 'Municipality {0} is {1}; the service is closed to it.',
  'Brukeren er deaktivert.': 'The user is deactivated.',
  'Brukeren er ikke lenger knyttet til denne kommunen.': 'The user is no longer attached to this municipality.',
  'Du er ikke registrert som bruker i Fellesjournal.': 'You are not registered as a user of Fellesjournal.',
  'x-tenant må være et kommunenummer.': 'x-tenant must be a municipality number.',
  'Tokenet nevner ingen organisasjon (orgnr_child/orgnr_parent); be HelseID om et token for kommunen.': 'The token names no organisation (orgnr_child/orgnr_parent); ask HelseID for a token for the municipality.',
  'Organisasjonen i tokenet er ingen kommune i Fellesjournal.': 'The organisation in the token is not a municipality in Fellesjournal.',
  'x-tenant stemmer ikke med organisasjonen i tokenet.': 'x-tenant does not match the organisation in the token.',
  'Kommune {0} er registrert med organisasjonsnummer {1}.': 'Municipality {0} is registered with organisation number {1}.',
  'Organisasjonsnummeret er allerede registrert på en annen kommune.': 'The organisation number is already registered to another municipality.',
  'Kommunen har ikke gitt dette leverandørsystemet tilgang.': 'The municipality has not granted this vendor system access.',
  'Mangler scope: {0}.': 'Missing scope: {0}.',
  'Brukeren er ikke knyttet til en kommune.': 'The user is not attached to a municipality.',
  'Ukjent kommune.': 'Unknown municipality.',
  'Ugyldig cursor.': 'Invalid cursor.',
  'Perioden er ugyldig: til-datoen er før fra-datoen.': 'The period is invalid: the end date is before the start date.',

  // functions/admin
  'Kommunen finnes ikke.': 'The municipality does not exist.',
  'Ukjent enhet i kommunen.': 'Unknown unit in the municipality.',
  'Enheten er lagt ned.': 'The unit has been closed.',
  'Ingen bruker {0} i kommunen.': 'No user {0} in the municipality.',
  'Brukernavnet {0} er allerede i bruk.': 'The username {0} is already in use.',
  'Fødselsnummeret er allerede registrert på en annen bruker.': 'The national identity number is already registered to another user.',
  'Fødselsnummeret kan ikke endres; opprett brukeren på nytt.': 'The national identity number cannot be changed; create the user again.',
  'Fødselsnummeret til administratoren er allerede registrert på en annen bruker.': "The administrator's national identity number is already registered to another user.",
  'Du kan ikke deaktivere deg selv eller fjerne din egen administratorrolle.': 'You cannot deactivate yourself or remove your own administrator role.',
  'Brukeren {0} ble endret samtidig; hent den på nytt og prøv igjen.': 'User {0} was changed concurrently; fetch it again and retry.',
  'Kommunen ble endret samtidig; prøv igjen.': 'The municipality was changed concurrently; try again.',
  'Pasientens behandlingsrelasjoner ble endret samtidig; prøv igjen.': "The patient's care relationships were changed concurrently; try again.",
  'Sperringer, samtykker eller akuttilganger ble endret samtidig; prøv igjen.': 'Blocks, consents or emergency grants were changed concurrently; try again.',
  'Enheten {0} finnes allerede.': 'The unit {0} already exists.',
  'Ingen enhet {0} i kommunen.': 'No unit {0} in the municipality.',

  // functions/anchor
  'Et annet signert trehode for kommunen ble skrevet samtidig; prøv igjen.': 'Another signed tree head for the municipality was written at the same moment; try again.',
  // functions/audit
  '`from` må være før `to`.': '`from` must be before `to`.',
  'Tidsrommet kan være høyst {0} dager.': 'The period can be at most {0} days.',
  'Det finnes ingen logg for denne pasienten i kommunen.': 'There is no log for this patient in the municipality.',
  'Innloggingen mangler fødselsnummer.': 'The login lacks a national identity number.',
  'Finner ikke saken i kontrollkøen.': 'The item is not in the review queue.',

  // functions/journal: entries
  'Journalnotatet ble endret av noen andre; hent det på nytt.': 'The journal entry was changed by someone else; fetch it again.',
  'Hendelsestidspunktet kan ikke ligge i fremtiden.': 'The time of the event cannot be in the future.',
  'Oppgi enheten journalnotatet skrives i.': 'Give the unit the journal entry is written in.',
  'Ukjent enhet.': 'Unknown unit.',
  'Journalnotatet finnes ikke.': 'The journal entry does not exist.',
  'Bare helsepersonell med HPR-nummer kan signere eller rette journalnotater.': 'Only health personnel with an HPR number can sign or correct journal entries.',
  'Signerte journalnotater endres ikke; lag en retting.': 'Signed journal entries are not changed; make a correction.',
  'Bare forfatteren kan endre et utkast.': 'Only the author can change a draft.',
  'Journalnotatet er endret siden du hentet det.': 'The journal entry has changed since you fetched it.',
  'Journalnotatet er allerede signert.': 'The journal entry is already signed.',
  'Bare forfatteren kan signere utkastet.': 'Only the author can sign the draft.',
  'Et utkast rettes ikke; endre det i stedet.': 'A draft is not corrected; edit it instead.',
  'Journalnotatet er markert som feilført.': 'The journal entry is marked as entered in error.',
  'Journalnotatet er allerede markert som feilført.': 'The journal entry is already marked as entered in error.',
  'Bare forfatteren kan markere sitt utkast.': 'Only the author can mark their draft.',
  'Bare forfatteren eller journalansvarlig kan rette et signert journalnotat.': 'Only the author or a journal-responsible can correct a signed journal entry.',
  'Endringer krever If-Match med ETag fra siste lesing.': 'Changes require If-Match with the ETag from the latest read.',
  'If-Match samsvarer ikke med gjeldende versjon.': 'If-Match does not match the current version.',
  'Idempotency-Key er allerede brukt for en annen forespørsel.': 'The Idempotency-Key has already been used for a different request.',
  'Mange samtidige endringer på denne pasienten; prøv igjen.': 'Many concurrent changes to this patient; try again.',
  'Mange samtidige oppslag på denne pasienten; prøv igjen.': 'Many concurrent lookups of this patient; try again.',
  'En forespørsel med samme Idempotency-Key pågår; prøv igjen.': 'A request with the same Idempotency-Key is in progress; try again.',

  // functions/journal: access decisions
  'Pasienten finnes ikke i denne kommunen.': 'The patient does not exist in this municipality.',
  'Du har ikke tjenstlig behov for denne pasientens journal (ingen gyldig behandlingsrelasjon).': "You have no work-related need for this patient's record (no valid care relationship).",
  'Du kan bare se din egen journal.': 'You can only see your own record.',
  'Innbyggere kan lese, ikke endre, journalen.': 'Citizens can read, not change, the record.',
  'Du kan bare opprette eller avslutte behandlingsrelasjoner for deg selv eller din egen enhet.': 'You can only create or end care relationships for yourself or your own unit.',
  'Leverandørsystemet mangler scope for dette.': 'The vendor system lacks the scope for this.',
  'Pasienten har sperret sine opplysninger for deg.': 'The patient has blocked their information for you.',
  'Pasienten har sperret sine opplysninger for enheten din.': 'The patient has blocked their information for your unit.',
  'Pasienten har sperret all deling av sine opplysninger med andre kommuner.': 'The patient has blocked all sharing of their information with other municipalities.',
  'Pasienten har sperret dette dokumentet for andre kommuner.': 'The patient has blocked this document for other municipalities.',
  'Pasienten har sperret denne typen dokumenter for andre kommuner.': 'The patient has blocked this type of document for other municipalities.',
  'Denne typen dokumenter deles bare med pasientens samtykke, og det er ikke gitt.': "This type of document is shared only with the patient's consent, and it has not been given.",
  'Du har ikke tilgang til dette.': 'You do not have access to this.',

  // functions/journal: patients and care relationships
  'Navnet kan ha høyst {0} ulike ord (bindestrek skiller ord)': 'The name can have at most {0} distinct words (a hyphen separates words)',
  'Pasienten finnes allerede i denne kommunen.': 'The patient already exists in this municipality.',
  'Bare personell i kommunen kan opprette pasienter.': 'Only staff of the municipality can create patients.',
  'Du kan ikke registrere denne pasienten. Be en kollega i kommunen om å gjøre det.': 'You cannot register this patient. Ask a colleague in the municipality to do it.',
  'Pasienten ble endret samtidig.': 'The patient was changed concurrently.',
  'Ukjent helsepersonell i kommunen.': 'Unknown health personnel in the municipality.',
  'En behandlingsrelasjon kan ikke tilbakedateres.': 'A care relationship cannot be backdated.',
  'validTo må være etter validFrom.': 'validTo must be after validFrom.',
  'En behandlingsrelasjon kan vare høyst fem år.': 'A care relationship can last at most five years.',
  'Relasjonen finnes allerede.': 'The relationship already exists.',
  'Behandlingsrelasjonen finnes ikke.': 'The care relationship does not exist.',
  'Behandlingsrelasjonen er endret siden du hentet den.': 'The care relationship has changed since you fetched it.',
  'Behandlingsrelasjonen er allerede avsluttet.': 'The care relationship has already ended.',
  'Behandlingsrelasjonen ble endret samtidig.': 'The care relationship was changed concurrently.',

  // functions/sharing
  'Ukjent dokument.': 'Unknown document.',
  'Finner ikke denne raden i loggen din.': 'This row is not in your access log.',
  'Denne raden gjelder ikke helsepersonell i en kommune.': "This row is not about a municipality's health personnel.",
  'Personen handlet ikke fra en enhet i denne raden.': 'The person did not act from a unit in this row.',
  'Ukjent helsepersonell.': 'Unknown health personnel.',
  'Sperringen finnes allerede.': 'The block already exists.',
  'Sperringen finnes ikke.': 'The block does not exist.',
  'Sperringen er allerede opphevet.': 'The block has already been lifted.',
  'Sperringen ble endret samtidig; hent den på nytt.': 'The block was changed concurrently; fetch it again.',
  'Bare personell i en kommune kan gjøre dette.': 'Only staff of a municipality can do this.',
  'Samtykket ble endret samtidig; prøv igjen.': 'The consent was changed concurrently; try again.',
  'Bare helsepersonell i en kommune kan bruke deling.': 'Only health personnel of a municipality can use sharing.',
  'Dokumentet finnes ikke.': 'The document does not exist.',
  'Dokumentet er trukket tilbake av kommunen som skrev det (feilført).': 'The document has been withdrawn by the municipality that wrote it (entered in error).',
  'Bare helsepersonell i en kommune kan be om akuttilgang.': 'Only health personnel of a municipality can request emergency access.',
  'Bare helsepersonell i en kommune kan ha akuttilgang.': 'Only health personnel of a municipality can have emergency access.',
  'Mange samtidige endringer; prøv igjen.': 'Many concurrent changes; try again.',

  // functions/tenants
  'Eksportmålet må være en absolutt katalogsti.': 'The export target must be an absolute directory path.',
  'Ugyldig S3-URI.': 'Invalid S3 URI.',
  'I AWS må eksportmålet være en s3://-URI.': 'In AWS the export target must be an s3:// URI.',
  'Lokalt må eksportmålet være en katalogsti; S3 brukes i AWS.': 'Locally the export target must be a directory path; S3 is used in AWS.',
  'Kommunen {0} ble endret samtidig av noen andre; prøv igjen.': 'Municipality {0} was changed concurrently by someone else; try again.',
  'Kommune {0} finnes ikke i registeret.': 'Municipality {0} is not in the registry.',
  'Kommune {0} finnes allerede som «{1}» i {2}.': 'Municipality {0} already exists as “{1}” in {2}.',
  'Kommune {0} er avviklet ({1}) og kan ikke opprettes på nytt.': 'Municipality {0} has been offboarded ({1}) and cannot be created again.',
  'To enheter har samme id.': 'Two units have the same id.',
  'Brukernavnet {0} ble tatt i bruk underveis; oppgi en annen administrator og kjør opprettelsen igjen.': 'The username {0} was taken meanwhile; give another administrator and run the creation again.',
  'Kommune {0} har status {1} og kan ikke suspenderes.': 'Municipality {0} has status {1} and cannot be suspended.',
  'Kommune {0} har status {1} og kan ikke gjenåpnes.': 'Municipality {0} has status {1} and cannot be reopened.',
  'Eksporten har {0} poster, men kommunen har {1}{2}. Nøkkelen blir ikke slettet; kjør avviklingen på nytt.': 'The export has {0} records, but the municipality has {1}{2}. The key is not deleted; run the offboarding again.',
  'Kommune {0} er ikke ferdig opprettet; fullfør eller avbryt opprettelsen først.': 'Municipality {0} is not fully created; finish or cancel the creation first.',
  'Avviklingsjobb {0} finnes ikke.': 'Offboarding job {0} does not exist.',
  'Avviklingsjobb {0}: steget {1} kan ikke kjøres før {2} er ferdig.': 'Offboarding job {0}: step {1} cannot run before {2} is done.',
  'Avviklingsjobb {0}: eksporten har kommet lenger enn denne kjøringen; den stopper.': 'Offboarding job {0}: the export has got further than this run; it stops.',

  // functions/vendors
  'Ukjent bruksplan {0}.': 'Unknown usage plan {0}.',
  'Ingen leverandørklient {0}.': 'No vendor client {0}.',
  '{0} ({1}) er allerede registrert som {2}.': '{0} ({1}) is already registered as {2}.',
  'Leverandøren {0} ble endret samtidig; prøv igjen.': 'Vendor {0} was changed concurrently; try again.',
  'Ingen aktiv leverandørklient {0}.': 'No active vendor client {0}.',
  'Tilgangen ble endret samtidig; prøv igjen.': 'The grant was changed concurrently; try again.',
  'Kommunen har ikke gitt {0} tilgang.': 'The municipality has not granted {0} access.',
  // FHIR notes, directory and Consent; research projects.
  'Ingen slik sperring.': 'No such block.',
  'Ingen slik melding.': 'No such message.',
  'Ingen slik forespørsel.': 'No such request.',
  'Meldingen ble endret samtidig; prøv igjen.': 'The message was changed at the same time; try again.',
  'En innbygger ser bare sine egne sperringer.': 'A citizen sees only their own blocks.',
  'Ingen helsepersonell med dette HPR-nummeret i kommunen.': 'No health personnel with this HPR number in the municipality.',
  'Ingen kommune med dette nummeret.': 'No municipality with this number.',
  'Ugyldig DocumentReference; ingenting er lagret.': 'Invalid DocumentReference; nothing was stored.',
  'Ugyldig If-None-Exist.': 'Invalid If-None-Exist.',
  'Et notat opprettes som utkast.': 'A note is created as a draft.',
  'Feil pasient.': 'Wrong patient.',
  'Signering endrer ikke innholdet.': 'Signing does not change the content.',
  'Intet slikt forskningsprosjekt i kommunen.': 'No such research project in the municipality.',
};

/** Norwegian words a template inserts into a detail (a tenant's status). */
const EN_WORDS: Readonly<Record<string, string>> = {
  suspendert: 'suspended',
  'ikke aktiv': 'not active',
};

/**
 * Norwegian field messages of the contracts (zod), for the `errors` of a 400 in English. The
 * field paths stay; a message not listed here is passed on as written.
 */
const EN_FIELD_MESSAGES: Readonly<Record<string, string>> = {
  'Ukjent felt': 'Unknown field',
  'Søk med identifier, eller med name og birthdate': 'Search by identifier, or by name and birthdate',
  'ITI-67 krever patient eller patient.identifier': 'ITI-67 needs patient or patient.identifier',
  'Ugyldig fødselsnummer eller D-nummer (kontrollsiffer)': 'Invalid national identity number or D number (check digit)',
  'Ugyldig organisasjonsnummer (kontrollsiffer)': 'Invalid organisation number (check digit)',
  'Ugyldig kommunenummer: fire sifre med kjent fylkesnummer': 'Invalid municipality number: four digits with a known county number',
  'Kjønn stemmer ikke med fødselsnummeret (niende siffer: oddetall mann, partall kvinne)': 'Gender does not match the national identity number (ninth digit: odd male, even female)',
  'Navn er påkrevd': 'Name is required',
  'Fødselsdato som ÅÅÅÅ-MM-DD': 'Birth date as YYYY-MM-DD',
  'Minst to tegn': 'At least two characters',
  'Oppgi en begrunnelse': 'Give a reason',
  'Ugyldig id': 'Invalid id',
  'Ugyldig JSON': 'Invalid JSON',
  'Tidspunkt i ISO 8601 med tidssone': 'Time in ISO 8601 with a time zone',
  'Kommunenummer: fire sifre': 'Municipality number: four digits',
  'Notat-id: 64 heksadesimale tegn': 'Note id: 64 hexadecimal characters',
  'Consent-id: 64 heksadesimale tegn': 'Consent id: 64 hexadecimal characters',
  'Communication-id: 64 heksadesimale tegn': 'Communication id: 64 hexadecimal characters',
  'Task-id: 64 heksadesimale tegn': 'Task id: 64 hexadecimal characters',
  'Påkrevd: Patient/<id>': 'Required: Patient/<id>',
  'HPR-nummer: 6–9 sifre': 'HPR number: 6–9 digits',
  'Practitioner/<HPR-nummer>': 'Practitioner/<HPR number>',
  'Dato: [ge|le|gt|lt|eq]ÅÅÅÅ[-MM[-DD]]': 'Date: [ge|le|gt|lt|eq]YYYY[-MM[-DD]]',
  'Brukerens innloggings-id': "The user's login id",
  'En kode i urn:fellesjournal:entry-type': 'A code in urn:fellesjournal:entry-type',
  'Ukjent eller ugyldig cursor': 'Unknown or invalid cursor',
  'Idempotency-Key er påkrevd': 'Idempotency-Key is required',
  'Idempotency-Key: 8–128 tegn (A–Z, a–z, 0–9, _ . : -)': 'Idempotency-Key: 8–128 characters (A–Z, a–z, 0–9, _ . : -)',
};

interface Pattern {
  regex: RegExp;
  /** Which placeholder number each capture group fills. */
  slots: number[];
  en: string;
}

let patterns: Pattern[] | undefined;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternsOf(): Pattern[] {
  patterns ??= Object.entries(EN_DETAILS)
    .filter(([nb]) => /\{\d+\}/.test(nb))
    .map(([nb, en]) => {
      const slots: number[] = [];
      const source = nb
        .split(/(\{\d+\})/)
        .map((part) => {
          const slot = /^\{(\d+)\}$/.exec(part);
          if (!slot) return escape(part);
          slots.push(Number(slot[1]));
          return '([\\s\\S]*?)';
        })
        .join('');
      return { regex: new RegExp(`^${source}$`), slots, en };
    });
  return patterns;
}

/** The English text of a Norwegian detail; `undefined` when the catalogue has none. */
export function englishDetail(nb: string): string | undefined {
  const exact = EN_DETAILS[nb];
  if (exact !== undefined) return exact;
  for (const { regex, slots, en } of patternsOf()) {
    const match = regex.exec(nb);
    if (!match) continue;
    const values = new Map(slots.map((slot, i) => [slot, match[i + 1] ?? '']));
    return en.replace(/\{(\d+)\}/g, (_, n: string) => {
      const value = values.get(Number(n)) ?? '';
      return EN_WORDS[value] ?? value;
    });
  }
  return undefined;
}

/** The English text of a contract's field message, or the message as written. */
export function englishFieldMessage(message: string): string {
  return EN_FIELD_MESSAGES[message] ?? englishDetail(message) ?? message;
}
