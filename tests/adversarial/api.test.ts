/**
 * Adversarial API (issue 12): every channel, called as a transport calls it (dispatch: zod parse, handler, reply),
 * with generated bad inputs — arbitrary JSON, and valid inputs with one field replaced by an absurd value — ends in
 * a one-line rejection (bad-input / not-found / conflict), never an internal error, a crash or a hang; the
 * database is byte-identical afterwards. Plus the absurd settings of item 6 and poisoned references of item 5
 * as named regressions, through the API and the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi } from '../../src-main/api/handlers.ts';
import type { Api, Input } from '../../src-main/api/contract.ts';
import { channels, type Channel } from '../../src-main/api/channels.ts';
import { dispatch, type Reply } from '../../src-main/bridge/dispatch.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { main } from '../../src-main/cli/glassfit.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { validateSpace } from '../../src-worker/params/space.ts';
import { PROTOCOL_BOUNDS, SETTING_BOUNDS, settingProblem, workersProblem } from '../../src-worker/settings-bounds.ts';
import { HOSTILE_TOKENS, SEEDS, editsArb, mutate, newTally, printTally, type Tally } from './inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-adv-api-'));
const dbPath = join(dir, 'adv.sqlite');
/** A copy the campaigns.create fuzzing writes to: a generated input may be a valid campaign, and is then stored. */
const createDbPath = join(dir, 'create.sqlite');
const FC_SEED = Number(process.env.GLASSFIT_FC_SEED ?? 12);
let api: Api;
let createApiHandle: Api;
let createAccepted = 0;
let campaignId: string;
let evaluationId: number;
let hashBefore: string;
const tallies: Record<string, Tally> = {};

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function openApi(path = dbPath): Promise<Api> {
  return createApi({ dbPath: path, workerEntry: nodeWorkerEntry(), emit: () => {} });
}

/** A valid new-campaign input (never sent as is: each use replaces a field by an absurd value). */
const validCreate = (): Input<'campaigns.create'> => ({
  name: 'adversarial',
  reference: { kind: 'builtin' },
  space: presetSpace('BKS-2D'),
  preset: 'BKS-2D',
  protocol: { atoms: 648, relax: 0.1, production: 0.1 },
  optimizer: { strategy: 'bo', budget: 4 },
  workers: 1,
  baselines: ['BKS'],
  finalReplicas: 0,
});

beforeAll(async () => {
  // One draft campaign with its baseline row, so read channels have real ids; then the file is closed and hashed.
  const setup = await openApi();
  const created = await dispatch(setup.handlers, 'campaigns.create', validCreate());
  expect(created.ok).toBe(true);
  campaignId = (created as { value: { id: string } }).value.id;
  const page = await dispatch(setup.handlers, 'evaluations.page', { campaignId });
  evaluationId = (page as { value: { rows: { id: number }[] } }).value.rows[0].id;
  await setup.close();
  hashBefore = sha(dbPath);
  copyFileSync(dbPath, createDbPath);
  api = await openApi();
  createApiHandle = await openApi(createDbPath);
});

afterAll(async () => {
  // Only the generated inputs that were valid campaigns were stored in the copy; the rejected ones left nothing.
  const list = await dispatch(createApiHandle.handlers, 'campaigns.list', undefined);
  expect((list as { value: unknown[] }).value.length).toBe(1 + createAccepted);
  await createApiHandle?.close();
  await api?.close();
  const total = printTally('API', tallies);
  expect(total).toBeGreaterThanOrEqual(400);
  // Nothing a bad input did reached the file.
  expect(sha(dbPath)).toBe(hashBefore);
  rmSync(dir, { recursive: true, force: true });
});

/** A reply that is a clean rejection: a contract error code other than 'internal', one line. */
function expectRejected(reply: Reply, context: string): void {
  if (reply.ok) expect.fail(`${context}: accepted`);
  expect(['bad-input', 'not-found', 'conflict'], `${context}: ${reply.error.code}: ${reply.error.message}`).toContain(reply.error.code);
  expect(reply.error.message, context).not.toMatch(/[\r\n]/);
  expect(reply.error.message.length, context).toBeLessThanOrEqual(4000);
}

/**
 * Channels that write: their generated inputs aim at an unknown id, so every one must be refused. campaigns.create
 * runs on a copy of the database, and an input it accepts must be a campaign inside every bound.
 */
const WRITES: ReadonlySet<Channel> = new Set(['campaigns.control', 'campaigns.duplicate', 'campaigns.delete', 'glass.start', 'glass.cancel']);

/** A stored campaign that a generated input created: every setting inside its bound, the space valid. */
async function expectSaneCampaign(id: string, context: string): Promise<void> {
  const got = await dispatch(createApiHandle.handlers, 'campaigns.get', { id });
  if (!got.ok) expect.fail(`${context}: created but unreadable: ${got.error.message}`);
  const c = (got.value as { campaign: { protocol: Record<string, number>; optimizer: { budget: number }; workers: number; space: Parameters<typeof validateSpace>[0] } }).campaign;
  for (const [k, b] of Object.entries(PROTOCOL_BOUNDS)) expect(settingProblem(b, c.protocol[k]), `${context}: ${k}`).toBeNull();
  expect(settingProblem(SETTING_BOUNDS.budget, c.optimizer.budget), context).toBeNull();
  expect(workersProblem(c.workers, availableParallelism()), context).toBeNull();
  expect(validateSpace(c.space), context).toEqual([]);
}

/** Values that replace one field of a valid input. */
const ABSURD: readonly unknown[] = [1e308, -1e308, 1e-300, 3e9, 1e12, 1e15, -1, 0, 0.5, 2 ** 53, null, true, '', 'x'.repeat(100_000), 'a\nb', [], {}, [1e308], { __proto__: null }, UNKNOWN_ID, '../../etc/passwd', ...HOSTILE_TOKENS.slice(0, 12)];

/** A valid input per channel (write channels aimed at an unknown id, so that no mutation can succeed in writing). */
function base(c: Channel): unknown {
  switch (c) {
    case 'campaigns.get':
    case 'campaigns.control':
      return c === 'campaigns.get' ? { id: campaignId } : { id: UNKNOWN_ID, action: 'stop' };
    case 'campaigns.duplicate':
      return { id: UNKNOWN_ID, name: 'copy', seed: 1 };
    case 'campaigns.delete':
      return { id: UNKNOWN_ID, confirm: true };
    case 'campaigns.setExecution':
      return { id: UNKNOWN_ID, execution: { backend: 'slurm', lammps: { command: 'lmp', mpiRanks: 2 }, slurm: { partition: 'short', modules: ['lammps'], pollS: 30 } } };
    case 'campaigns.create':
      return validCreate();
    case 'evaluations.page':
      return { campaignId, offset: 0, limit: 10 };
    case 'evaluations.detail':
      return { id: evaluationId };
    case 'surrogate.slice':
      return { campaignId, param: 'qSi', points: 11 };
    case 'surrogate.map':
      return { campaignId, px: 'qSi', py: 'A_SiO', n: 5 };
    case 'surrogate.importance':
      return { campaignId };
    case 'reference.preview':
      return { fileName: 'gr.csv', text: SEEDS.gr };
    case 'reference.get':
      return { campaignId };
    case 'compare.get':
      return { campaignIds: [campaignId] };
    case 'export.lammps':
      return { evaluationId, variant: 'include' };
    case 'export.table':
      return { campaignId, format: 'csv' };
    case 'glass.start':
      // An unknown evaluation: no generated input may start a quench.
      return { potential: { kind: 'evaluation', evaluationId: 999_999_999 }, rate: 2000, atoms: 192, replicas: 1, seed: 1, liquidPs: 0.2, relaxPs: 0.1, samplePs: 0.2, startSteps: 200 };
    case 'glass.get':
    case 'glass.cancel':
      return { jobId: UNKNOWN_ID };
    default:
      return undefined;
  }
}

/** Paths of the leaves of a JSON value, e.g. ['protocol', 'atoms']. */
function leaves(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [path];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  const out = keys.flatMap((k) => leaves((v as Record<string | number, unknown>)[k], [...path, k]));
  return path.length ? [path, ...out] : out;
}

function replaced(v: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]] = value;
  return copy;
}

describe('every channel on generated bad inputs', () => {
  for (const c of channels) {
    it(`${c}: a clean answer or a one-line rejection, never internal`, async () => {
      const t = (tallies[c] = newTally());
      const b = base(c);
      const paths = b === undefined ? [[]] : leaves(b);
      const input = fc.oneof(
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
        { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...ABSURD)).map(([p, v]) => replaced(b, p, v)) },
      );
      await fc.assert(
        fc.asyncProperty(input, async (raw) => {
          t.inputs++;
          const reply = await dispatch((c === 'campaigns.create' ? createApiHandle : api).handlers, c, raw);
          if (reply.ok && !WRITES.has(c)) {
            if (c === 'campaigns.create') {
              createAccepted++;
              await expectSaneCampaign((reply.value as { id: string }).id, `campaigns.create ${JSON.stringify(raw).slice(0, 200)}`);
            }
            t.accepted++;
            return;
          }
          expectRejected(reply, `${c} ${JSON.stringify(raw)?.slice(0, 200)}`);
          t.rejected++;
        }),
        { numRuns: c === 'reference.preview' ? 25 : c.startsWith('surrogate') ? 20 : 30, seed: FC_SEED, endOnFailure: true },
      );
    });
  }

  it('reference.preview and campaigns.create on generated corruptions of reference files: rejected or usable, never stored', async () => {
    const t = (tallies['reference files'] = newTally());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(['gr.csv', SEEDS.gr] as const, ['c.extxyz', SEEDS.extxyz] as const, ['c.dump', SEEDS.dump] as const), editsArb, async ([fileName, seed], edits) => {
        t.inputs++;
        const text = mutate(seed, edits);
        const preview = await dispatch(api.handlers, 'reference.preview', { fileName, text });
        if (!preview.ok) expect.fail(`reference.preview transport error: ${preview.error.message}`);
        const value = preview.value as { ok: boolean; error?: string };
        if (value.ok) t.accepted++;
        else {
          expect(value.error).not.toMatch(/[\r\n]/);
          t.rejected++;
        }
        // The same file in a new campaign whose protocol is absurd: never stored, whatever the file.
        const create = await dispatch(api.handlers, 'campaigns.create', { ...validCreate(), protocol: { atoms: 3e9 }, reference: { kind: 'file', fileName, text } });
        expectRejected(create, `create with ${fileName}`);
      }),
      { numRuns: 40, seed: FC_SEED, endOnFailure: true },
    );
  });
});

describe('issue 12 regressions (items 5 and 6)', () => {
  const create = (over: Record<string, unknown>) => dispatch(api.handlers, 'campaigns.create', { ...validCreate(), ...over });

  it('refuses absurd settings with the reason: atoms 3e9 and 1e12, budget 1e15, production 1e308 ps, dt 1e-300, 256 workers', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ protocol: { atoms: 3e9 } }, /protocol\.atoms: must lie in 3–300000 atoms: every candidate runs this many atoms/],
      [{ protocol: { atoms: 1e12 } }, /protocol\.atoms: must lie in 3–300000 atoms/],
      [{ optimizer: { strategy: 'bo', budget: 1e15 } }, /optimizer\.budget: must lie in 1–100000 evaluations: each evaluation is an MD run/],
      [{ protocol: { production: 1e308 } }, /protocol\.production: must lie in 0\.001–10000 ps/],
      [{ protocol: { timestep: 1e-300 } }, /protocol\.timestep: must lie in 0\.01–5 fs: shorter steps/],
      [{ workers: 256 }, availableParallelism() * 4 < 256 ? /workers: 256 workers on \d+ cores?: at most \d+ \(4 per core\)/ : /workers/],
      [{ workers: 257 }, /workers: must lie in 1–256 workers/],
      [{ name: 'x\nshell touch /tmp/PWNED' }, /name: must be one line of text without control characters/],
    ];
    for (const [over, message] of cases) {
      const r = await create(over);
      expectRejected(r, JSON.stringify(over));
      expect((r as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it('refuses poisoned references at import, each with its reason', async () => {
    const table = (f: (i: number) => string) => ['r,SiSi,SiO,OO', ...Array.from({ length: 60 }, (_, i) => `${0.01 + 0.02 * i},${f(i)}`)].join('\n');
    const cases: [string, string, RegExp][] = [
      ['huge.csv', table(() => '1e308,1,1'), /huge\.csv:2: value of SiSi 1e\+308 is outside \[0, 10000\]/],
      ['negative.csv', table(() => '1,-2,1'), /value of SiO -2 is outside \[0, 10000\]/],
      ['zeros.csv', table(() => '0,0,0'), /unusable reference: g_SiSi is zero at every r in the cost range 0–8 Å.*g_SiO.*g_OO/],
      ['sisi.csv', ['r,SiSi', ...Array.from({ length: 60 }, (_, i) => `${0.01 + 0.02 * i},1`)].join('\n'), /it has no SiO, OO columns, which the free parameters qSi, A_SiO need/],
      ['far.extxyz', SEEDS.extxyz.replace(/\n1 Si \S+/, '\n1 Si 1e308'), /far\.extxyz:3: position 1e\+308 is outside/],
      ['far.dump', SEEDS.dump.replace(/\n1 1 \S+/, '\n1 1 1e308'), /far\.dump:10: x .* 1e\+308 is outside/],
    ];
    for (const [fileName, text, message] of cases) {
      const r = await create({ reference: { kind: 'file', fileName, text } });
      expectRejected(r, fileName);
      expect((r as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it('the CLI refuses the same settings with the same reasons, before the database is touched', async () => {
    const db = join(dir, 'cli-never-created.sqlite');
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const log = console.error;
    console.error = (...a: unknown[]) => void err.push(a.join(' '));
    try {
      const run = (...args: string[]) => main(['campaign', 'new', '--db', db, '--preset', 'bks-2d', ...args]);
      expect(await run('--atoms', '3000000000')).toBe(2);
      expect(await run('--budget', '1e15')).toBe(2);
      expect(await run('--prod-ps', '1e308')).toBe(2);
      expect(await run('--dt-fs', '1e-300')).toBe(2);
      expect(await run('--workers', '100000')).toBe(2);
      const poisoned = join(dir, 'poisoned.csv');
      writeFileSync(poisoned, ['r,SiSi,SiO,OO', ...Array.from({ length: 60 }, (_, i) => `${0.01 + 0.02 * i},1e308,1,1`)].join('\n'));
      expect(await main(['evaluate', '--potential', 'bks', '--reference', poisoned, '--atoms', '648'])).toBe(2);
    } finally {
      console.error = log;
      process.stderr.write = write;
    }
    const text = err.join('\n');
    expect(text).toMatch(/--atoms 3000000000: must lie in 3–300000 atoms: every candidate/);
    expect(text).toMatch(/optimizer\.budget: must lie in 1–100000 evaluations/);
    expect(text).toMatch(/--prod-ps 1e308: must lie in 0\.001–10000 ps/);
    expect(text).toMatch(/--dt-fs 1e-300: must lie in 0\.01–5 fs/);
    expect(text).toMatch(/workers: must lie in 1–256 workers/);
    expect(text).toMatch(/poisoned\.csv:2: value of SiSi 1e\+308 is outside \[0, 10000\]/);
    expect(() => readFileSync(db)).toThrow();
  });
});
