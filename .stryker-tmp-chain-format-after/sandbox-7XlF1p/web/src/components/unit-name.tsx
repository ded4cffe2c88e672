// @ts-nocheck
import { useEffect, useState } from 'react';
import { adminApi } from '../api/admin';
import { sessionSnapshot } from '../auth/session';

type UnitNames = ReadonlyMap<string, string>;

// The municipality's units change rarely: asked once per login (GET /v1/units), shared by every
// screen that names a unit.
let cache: { token: string; names: Promise<UnitNames> } | undefined;

function loadUnitNames(): Promise<UnitNames> {
  const token = sessionSnapshot().session?.token ?? '';
  if (cache?.token !== token) {
    const names = adminApi.ownUnits().then(
      (r): UnitNames => new Map(r.items.map((u) => [u.id, u.name])),
      // Without the list (a refusal, the network) the ids stand in for the names; the next screen asks again.
      (): UnitNames => {
        cache = undefined;
        return new Map();
      },
    );
    cache = { token, names };
  }
  return cache.names;
}

/** The names of the own municipality's units, by id (empty until loaded). */
export function useUnitNames(): UnitNames {
  const [names, setNames] = useState<UnitNames>(() => new Map());
  useEffect(() => {
    let live = true;
    void loadUnitNames().then((n) => live && setNames(n));
    return () => {
      live = false;
    };
  }, []);
  return names;
}

/** A unit by its name; units of other municipalities (not in the list) by their id. */
export function UnitName({ id }: { id: string | undefined }) {
  const names = useUnitNames();
  if (!id) return null;
  return <>{names.get(id) ?? id}</>;
}
