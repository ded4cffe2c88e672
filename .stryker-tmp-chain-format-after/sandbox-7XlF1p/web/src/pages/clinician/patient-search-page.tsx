// @ts-nocheck
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { parseNationalId, sexFromNationalId } from '../../../../shared/contracts/identifiers';
import { createPatientSchema, GENDERS, type Patient, type PatientSearchResult } from '../../../../shared/contracts/journal';
import { journalApi } from '../../api/journal';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm } from '../../components/action-form';
import { Field, fieldAria, SelectField, useSchemaForm, useSubmit } from '../../components/forms';
import { formatNationalId } from '../../components/journal-bits';
import { DataTable, Empty, Loading, PageTitle } from '../../components/ui';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, navigate } from '../../router';

/** Birth date of a fødselsnummer/D-nummer, for prefilling (century from the individual number). */
export function birthDateFromNationalId(nid: string): string | undefined {
  if (!parseNationalId(nid)) return undefined;
  let day = Number(nid.slice(0, 2));
  let month = Number(nid.slice(2, 4));
  const yy = Number(nid.slice(4, 6));
  const ind = Number(nid.slice(6, 9));
  if (day > 40) day -= 40;
  if (month > 80) month -= 80;
  else if (month > 40) month -= 40;
  const century = ind <= 499 ? 1900 : ind >= 900 && yy >= 40 ? 1900 : ind >= 500 && ind <= 749 && yy >= 54 ? 1800 : 2000;
  const year = century + yy;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function NewPatientForm({ nationalId, onCancel }: { nationalId: string; onCancel: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState(() => birthDateFromNationalId(nationalId) ?? '');
  // Preselected from the national id where it encodes sex (the API refuses a contradicting male/female).
  const [gender, setGender] = useState<(typeof GENDERS)[number]>(() => sexFromNationalId(nationalId) ?? 'unknown');
  const form = useSchemaForm(createPatientSchema);
  const key = useRef(crypto.randomUUID());
  const errors = form.errors;

  const onSubmit = () =>
    form.send({ nationalId, name, birthDate, gender }, async (body) => {
      const { data } = await journalApi.createPatient(body, key.current);
      navigate(`/patients/${data.id}`);
    });

  return (
    <ActionForm
      id="new-patient"
      title={t('patients.new.title')}
      intro={<p className="muted">{t('patients.new.intro', { nid: formatNationalId(nationalId) })}</p>}
      busy={form.busy}
      error={form.error}
      submitLabel={t('patients.new.submit')}
      onSubmit={onSubmit}
      onCancel={onCancel}
    >
      <div className="form-row">
        <Field id="np-name" label={t('patients.name')} error={errors.name}>
          <input {...fieldAria('np-name', errors.name)} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus />
        </Field>
        <Field id="np-birth" label={t('patients.birthDate')} error={errors.birthDate}>
          <input {...fieldAria('np-birth', errors.birthDate)} type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} />
        </Field>
        <SelectField id="np-gender" label={t('patients.gender')} error={errors.gender} value={gender} values={GENDERS} labelOf={(g) => t(`gender.${g}` as MessageKey)} onChange={setGender} />
      </div>
    </ActionForm>
  );
}

function ResultTable({ patients }: { patients: Patient[] }) {
  const { t, date } = useI18n();
  return (
    <DataTable testId="patient-results" caption={t('patients.results')} columns={[t('patients.name'), t('patients.nationalId'), t('patients.birthDate'), t('patients.gender')]}>
      {patients.map((p) => (
        <tr key={p.id}>
          <td>
            <Link to={`/patients/${p.id}`}>{p.name}</Link>
          </td>
          <td className="nowrap">{formatNationalId(p.nationalId)}</td>
          <td className="nowrap">{date(p.birthDate)}</td>
          <td>{t(`gender.${p.gender}` as MessageKey)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * Find a patient by national id or name. The query goes in a POST body, and the results stay in
 * memory only: no national id or name in the address bar, history or storage.
 */
export function PatientSearchPage() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [inputError, setInputError] = useState<string>();
  const [result, setResult] = useState<{ query: { nationalId?: string; name?: string }; data: PatientSearchResult }>();
  const [creating, setCreating] = useState(false);
  const submit = useSubmit();
  const inputRef = useRef<HTMLInputElement>(null);
  const searches = useRef(0);

  useEffect(() => {
    // "/" jumps to the search field from anywhere on the page, as in most search tools.
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && !(target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)))) {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // A new search takes the last answer off the screen at once, valid or not: a hit for the
    // previous query must never stand under a new one (wrong-patient risk).
    const search = ++searches.current;
    setResult(undefined);
    setCreating(false);
    submit.setError(undefined);
    const value = q.replace(/\s+/g, ' ').trim();
    const digits = value.replace(/\s/g, '');
    let query: { nationalId: string } | { name: string };
    if (/^\d+$/.test(digits)) {
      if (digits.length !== 11) return setInputError(t('patients.search.elevenDigits'));
      if (!parseNationalId(digits)) return setInputError(t('patients.search.checkDigits'));
      query = { nationalId: digits };
    } else {
      if (value.length < 2) return setInputError(t('patients.search.tooShort'));
      query = { name: value };
    }
    setInputError(undefined);
    void submit.run(async () => {
      const { data } = await journalApi.searchPatients(query);
      // An answer to a search that has since been replaced is dropped.
      if (search === searches.current) setResult({ query, data });
    });
  };

  return (
    <>
      <PageTitle>{t('patients.title')}</PageTitle>
      <form role="search" onSubmit={onSubmit} className="card" noValidate>
        <div className="form-row">
          <Field id="patient-q" label={t('patients.search.label')} hint={t('patients.search.hint')} error={inputError}>
            <input
              {...fieldAria('patient-q', inputError, true)}
              ref={inputRef}
              type="search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              autoFocus
              data-testid="patient-search"
            />
          </Field>
          <div className="field">
            <button type="submit" className="btn btn-primary" disabled={submit.busy}>
              {t('app.search')}
            </button>
          </div>
        </div>
        <p className="kbd-hint">{t('patients.search.kbd')}</p>
      </form>
      {submit.busy && <Loading />}
      {submit.error !== undefined && <ErrorMessage error={submit.error} />}
      {result && !submit.busy && (
        <section aria-live="polite">
          <h2>{t('patients.results')}</h2>
          {result.data.patients.length === 0 ? (
            <>
              <Empty>{t('patients.noHits')}</Empty>
              {result.query.nationalId && !creating && (
                <button className="btn" type="button" onClick={() => setCreating(true)}>
                  {t('patients.new.open')}
                </button>
              )}
            </>
          ) : (
            <ResultTable patients={result.data.patients} />
          )}
          {result.data.truncated && <p className="muted">{t('patients.truncated')}</p>}
        </section>
      )}
      {creating && result?.query.nationalId && <NewPatientForm nationalId={result.query.nationalId} onCancel={() => setCreating(false)} />}
    </>
  );
}
