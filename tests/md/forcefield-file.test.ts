/**
 * The JSON parameter file (src-worker/params/forcefield-file.ts): round trip of the full form, the short
 * silica forms, and errors that name the file and the JSON path of each problem.
 */
import { describe, expect, it } from 'vitest';
import { readForceFieldFile, writeForceFieldFile, ForceFieldFileError } from '../../src-worker/params/forcefield-file.ts';
import { BUILTIN_NAMES, BUILTIN_SETS, builtinForceField } from '../../src-worker/params/sets.ts';
import { SILICA, type SpeciesTable } from '../../src-worker/species.ts';

function problems(text: string): string[] {
  try {
    readForceFieldFile(text, 'p.json');
  } catch (e) {
    if (e instanceof ForceFieldFileError) {
      expect(e.file).toBe('p.json');
      expect(e.message.startsWith('p.json: ')).toBe(true);
      return [...e.problems];
    }
    throw e;
  }
  throw new Error('expected a ForceFieldFileError');
}

describe('forcefield parameter files', () => {
  it.each(BUILTIN_NAMES)('%s: the full form writes and reads back exactly', (name) => {
    const ff = builtinForceField(name);
    const text = writeForceFieldFile(ff, SILICA, { name, source: BUILTIN_SETS[name].source });
    const back = readForceFieldFile(text, `${name}.json`);
    expect(back.ff).toEqual(ff);
    expect(back.species).toEqual(SILICA);
    expect(back.name).toBe(name);
    expect(JSON.parse(text).format).toBe('glassfit-forcefield');
  });

  it('reads the short silica forms: pairs without D, and the paper’s flat names', () => {
    const b = BUILTIN_SETS.BKS;
    const pairs = readForceFieldFile(JSON.stringify({ qSi: 2.4, pairs: { SiO: b.SiO, OO: b.OO, SiSi: b.SiSi } }), 'short.json');
    expect(pairs.ff).toEqual(builtinForceField('BKS'));
    const flat: Record<string, number> = { qSi: 2.4 };
    for (const p of ['SiO', 'OO', 'SiSi'] as const) for (const k of ['A', 'rho', 'C'] as const) flat[`${k}_${p}`] = b[p][k];
    flat.D_OO = 200; // an explicit D replaces the default wall
    const f = readForceFieldFile(JSON.stringify(flat), 'flat.json');
    expect(f.ff.pair.SiO).toEqual(builtinForceField('BKS').pair.SiO);
    expect(f.ff.pair.OO.D).toBe(200);
    expect(f.ff.charge).toEqual({ Si: 2.4, O: -1.2 });
  });

  it('accepts other species in the full form and checks neutrality against a given composition', () => {
    const species: SpeciesTable = { species: [{ name: 'Na', mass: 22.99 }, { name: 'Cl', mass: 35.45 }] };
    const ff = {
      charge: { Na: 1, Cl: -1 },
      pair: { NaNa: { A: 1, rho: 0.3, C: 0, D: 0 }, NaCl: { A: 2, rho: 0.3, C: 1, D: 0 }, ClCl: { A: 3, rho: 0.3, C: 2, D: 0 } },
      cutoff: 8,
      dsf: { alpha: 0.25, cutoff: 8 },
    };
    const text = writeForceFieldFile(ff, species, { composition: { Na: 1, Cl: 1 } });
    expect(readForceFieldFile(text, 'nacl.json').ff).toEqual(ff);
    const charged = JSON.parse(text);
    charged.charges.Cl = -0.5;
    expect(problems(JSON.stringify(charged)).join(' ')).toMatch(/not neutral/);
  });

  it('names every problem with its path', () => {
    expect(problems('{ not json')[0]).toMatch(/not valid JSON/);
    const full = JSON.parse(writeForceFieldFile(builtinForceField('CHIK')));
    full.pairs.SiO.A = -5;
    delete full.pairs.OO;
    full.extra = 1;
    const p = problems(JSON.stringify(full)).join('\n');
    expect(p).toMatch(/pairs\.SiO\.A: must be ≥ 0/);
    expect(p).toMatch(/extra/);
    const p2 = problems(JSON.stringify({ ...JSON.parse(writeForceFieldFile(builtinForceField('CHIK'))), pairs: { SiSi: full.pairs.SiSi, SiO: builtinForceField('CHIK').pair.SiO } })).join('\n');
    expect(p2).toMatch(/pair OO has no parameters/);
    const neutral = JSON.parse(writeForceFieldFile(builtinForceField('BKS')));
    neutral.charges.O = -1;
    expect(problems(JSON.stringify(neutral)).join(' ')).toMatch(/not neutral for the composition/);
    expect(problems(JSON.stringify({ qSi: 2.4, pairs: { SiO: { A: 1, rho: 0, C: 0 } } })).join('\n')).toMatch(/pairs\.SiO\.rho: must be > 0[\s\S]*pairs\.OO/);
    expect(problems(JSON.stringify({ foo: 1 })).join(' ')).toMatch(/expected a 'format': 'glassfit-forcefield' file/);
  });

  it('reads a campaign export (format glassfit-campaign) as its best set, named after the campaign', () => {
    const best = JSON.parse(writeForceFieldFile(builtinForceField('CHIK'), SILICA, { source: 'glassfit campaign x, evaluation 3' }));
    const doc = { format: 'glassfit-campaign', version: 1, campaign: { name: 'my fit' }, best: { evaluationId: 3, forcefield: best }, evaluations: [] };
    const f = readForceFieldFile(JSON.stringify(doc), 'all.json');
    expect(f.ff).toEqual(builtinForceField('CHIK'));
    expect(f.name).toBe('best of my fit');
    expect(f.source).toBe('glassfit campaign x, evaluation 3');
  });

  it('says in one line what it wants for another format, or for a campaign export with no best set', () => {
    const other = problems(JSON.stringify({ format: 'something-else', data: [1, 2] }));
    expect(other).toHaveLength(1);
    expect(other[0]).toMatch(/'format' is "something-else".*glassfit-forcefield.*--format forcefield.*--format json/);
    const empty = problems(JSON.stringify({ format: 'glassfit-campaign', version: 1, campaign: { name: 'fresh' }, best: null, evaluations: [] }));
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatch(/campaign export of 'fresh' with no finished evaluation/);
  });
});
