/**
 * One MD run on several cores: the table kernel's pair loop and the neighbour search of each list build
 * split over helper threads that share the neighbour list through SharedArrayBuffers (neighbor.ts allocates
 * those arrays shared). Used when fewer runs go on than there are cores (one `glassfit evaluate`, a campaign
 * with fewer workers than cores, a CG line search waiting on one run). Measured share of a one-thread step:
 * pair loop 76 %, search 8 %, the rest (kept on the calling thread) ~6 % (README, Benchmarks). On sample steps
 * the helpers also count part of the g(r) histogram (teamHistogramShare) while the caller finds bonds.
 *
 * A team of T threads splits the slots [0, n) into T CHUNKS of equal neighbour-list length, fixed by the list
 * alone. Chunk 0 sums into the list's force buffer, chunk k ≥ 1 into a force buffer of its own (half list with
 * Newton's third law: any chunk may touch any slot's force, so buffers cannot be shared); the caller then adds
 * chunks 1 … T − 1 in chunk order. Energy, virial and pair counts add the same way; the close-contact watch takes
 * the closest pair over all chunks. How many threads run the chunks may change from one force computation to the
 * next (`setActive`, read by the caller each time: the campaign runner gives a run the cores other runs leave
 * idle): a threads take the chunks in contiguous blocks, the caller the first. Since the chunks and the order of
 * the sums do not depend on the number of active threads, a run's result does not either — bit for bit
 * (tests/md/force-team.test.ts), so a run stays deterministic however its cores change.
 *
 * Against a run without a team (one sum over all pairs) only the order of the force and energy sums differs:
 * forces agree to round-off (~1e-15 relative) and trajectories drift apart only as chaos amplifies it.
 *
 * Threading model: no messages on the hot path. Each helper waits on its own generation word; the caller stores
 * the task's generation into the words of the active helpers only and wakes them (Atomics.notify), so an inactive
 * helper sleeps and costs nothing; each helper runs its chunks and stores the generation into its "done" word;
 * the caller Atomics.waits for those. When the list's arrays are replaced by larger ones (neighbor.ts `layout`)
 * or the table changes, the caller posts the new views to every helper before the next wake-up, and a helper
 * pulls them synchronously (`receive`, receiveMessageOnPort) when it sees a layout number it has not received.
 * The thread machinery itself (worker_threads) stays outside this module: the caller hands in how to spawn a
 * helper, and the helper's entry hands in how to receive a message (src-worker/entry.ts).
 */
import type { PairTable } from './potential.ts';
import type { System } from './system.ts';
import { scatterToAtoms, searchNeighbors, sharedFloat64, sharedInt32, syncNeighborList, type NeighborList, type NeighborSearch } from './neighbor.ts';
import { finishCompute } from './buck-dsf.ts';
import { tableLoop, tableLoopKind, type TableLoopKind, type TabulatedPairTable } from './buck-dsf-table.ts';
import { SETTING_BOUNDS } from '../settings-bounds.ts';
import { listHistogram, type HistogramShare } from '../analysis/rdf.ts';

/** What a helper thread needs to start: put into its workerData. */
export interface ForceHelperData {
  readonly role: 'force-helper';
  readonly rank: number; // 1 … threads − 1 (the caller is rank 0)
  readonly threads: number;
  readonly control: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
}

/** The views a helper works on, posted whenever one of them changes. */
interface LayoutMessage {
  readonly kind: 'layout';
  readonly layout: number;
  readonly x: Float64Array;
  readonly offsets: Int32Array;
  readonly idx: Int32Array;
  readonly slotType: Int32Array;
  readonly chunkF: Float64Array[]; // force buffers of chunks 1 … T − 1 (index chunk − 1)
  readonly floorSq: number;
  readonly table: TabulatedPairTable;
  /** Where the pair loop runs (the caller's choice, buck-dsf-table.ts `tableLoopKind`). */
  readonly loop: TableLoopKind;
  // The neighbour search's inputs (neighbor.ts) and the helper's own list buffer, copied into idx by the caller.
  readonly slotBin: Int32Array;
  readonly binStart: Int32Array;
  readonly ghostStart: Int32Array;
  readonly rows: Int32Array;
  readonly ownIdx: Int32Array;
}

/** A g(r) accumulator's type-pair map and the helper's own histogram (teamHistogramShare), posted when they change. */
interface HistMessage {
  readonly kind: 'hist';
  readonly layout: number;
  readonly slot: Int32Array;
  readonly hist: Float64Array;
}

/** The part of a worker_threads Worker a team uses. */
export interface HelperHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

export type SpawnHelper = (data: ForceHelperData) => HelperHandle;

// Control words (Int32, shared).
const CMD = 0; // what the task is
const LAYOUT = 1; // layout number the helpers must hold for this task
const SLOTS = 2; // slots whose forces the task writes: n + nGhost
const NROWS = 3; // stencil rows for a search
const ACTIVE = 4; // threads to use from the next task on (setActive); ≤ 0 or > T: all
const BUILDS = 5; // the list's build count (a WebAssembly loop copies the list again when it changes)
const NTYPES = 6; // a histogram task's species count
const NBINS = 7; // a histogram task's bins per pair
const HEADER = 8;
const rangeWord = (chunk: number) => HEADER + 2 * chunk; // [i0, i1) of a chunk (compute) or a rank (search)
const assignWord = (threads: number, rank: number) => HEADER + 2 * threads + 2 * rank; // [c0, c1) chunks of a rank
const doneWord = (threads: number, rank: number) => HEADER + 4 * threads + rank;
const countWord = (threads: number, rank: number) => HEADER + 5 * threads + rank; // a search's entries, −1: too many
const genWord = (threads: number, rank: number) => HEADER + 6 * threads + rank; // a helper waits on its own
const CONTROL_WORDS = (threads: number) => HEADER + 7 * threads;
const CMD_COMPUTE = 1;
const CMD_STOP = 2;
const CMD_SEARCH = 3;
const CMD_HIST = 4;
/** Each thread's per-atom shell buffer of the search (neighbor.ts): far above any liquid's ~150. */
const SHELL = 16384;
const OUT_STRIDE = 8; // per chunk: energy, –, virial, pairs, closeRsq, closeI, closeJ (pairLoopTable's out), spare
const radiiAt = (threads: number) => OUT_STRIDE * threads; // then a search's rcsSq and cutSq, a histogram's delrinv and cutSq
const OUT_WORDS = (threads: number) => radiiAt(threads) + 4;

/** Longest a caller waits for a helper before declaring it lost (ms): covers a helper's start-up under load. */
const HELPER_TIMEOUT_MS = 120_000;
/**
 * How long a thread spins on a word before it sleeps (ms). Waking a sleeping thread (futex, an idle vCPU's halt
 * in a virtual machine) takes tens to hundreds of µs, about as long as a step's serial part lasts; spinning
 * through it made the caller's waits 2–3× shorter and a 3000-atom run ~2 % faster on 2 cores (README,
 * Benchmarks). A helper the caller leaves inactive spins this long once, then sleeps.
 */
const SPIN_MS = 2;

// The engine room compiles without DOM or Node types; every runtime it runs in (Node, workers, Electron) has this.
declare const performance: { now(): number };

/** Return when ctl[word] differs from `value` or SPIN_MS have passed. */
function spinWhile(ctl: Int32Array, word: number, value: number): void {
  const until = performance.now() + SPIN_MS;
  do {
    for (let k = 0; k < 512; k++) if (Atomics.load(ctl, word) !== value) return;
  } while (performance.now() < until);
}

export interface ForceTeam {
  readonly threads: number;
  readonly control: Int32Array;
  readonly out: Float64Array;
  /** `out`'s part of each chunk (views made once: no allocation per step). */
  readonly outs: readonly Float64Array[];
  readonly helpers: readonly HelperHandle[];
  /** Force buffer of each chunk but the first (index chunk − 1), as large as the list's. */
  chunkF: Float64Array[];
  /** Neighbour-list buffer of each helper (index rank − 1), as large as the list's. */
  helperIdx: Int32Array[];
  /** The caller's shell buffer for its share of a search. */
  readonly shell: Int32Array;
  /** The table of the run being computed (sent with the layout). */
  table: TabulatedPairTable | null;
  /** syncNeighborList's parallel search, bound to this team. */
  readonly search: NeighborSearch;
  gen: number;
  layout: number;
  sentList: NeighborList | null;
  sentListLayout: number;
  sentTable: PairTable | null;
  /** The pair loop's kind the helpers were sent (the caller uses the same). */
  sentLoop: TableLoopKind;
  /** The type-pair map the helpers were sent for histograms, and each helper's histogram (index rank − 1). */
  sentHistSlot: Int32Array | null;
  histBufs: Float64Array[];
  closed: boolean;
  /** Where the active thread count is read: the team's own control word, or one its owner shares (createForceTeam). */
  readonly activeWord: { readonly words: Int32Array; readonly index: number };
}

/** Most threads one run may use. */
export const MAX_THREADS: number = SETTING_BOUNDS.threads.max;

/**
 * Start threads − 1 helpers (threads ≥ 2). Close the team with closeForceTeam when the run is over. `active`: a
 * shared Int32 word holding the threads to use (the worker pool writes it from the main thread as evaluations
 * start and end); by default the team's own word, set by setActive and starting at all threads.
 */
export function createForceTeam(threads: number, spawn: SpawnHelper, active?: { readonly words: Int32Array; readonly index: number }): ForceTeam {
  if (!(Number.isInteger(threads) && threads >= 2 && threads <= MAX_THREADS))
    throw new Error(`a force team needs an integer number of threads in [2, ${MAX_THREADS}], got ${threads}`);
  const controlBuf = new SharedArrayBuffer(4 * CONTROL_WORDS(threads));
  const outBuf = new SharedArrayBuffer(8 * OUT_WORDS(threads));
  const helpers: HelperHandle[] = [];
  for (let rank = 1; rank < threads; rank++) helpers.push(spawn({ role: 'force-helper', rank, threads, control: controlBuf, out: outBuf }));
  const control = new Int32Array(controlBuf);
  control[ACTIVE] = threads;
  const out = new Float64Array(outBuf);
  const team: ForceTeam = {
    threads,
    control,
    out,
    outs: Array.from({ length: threads }, (_, c) => out.subarray(c * OUT_STRIDE, (c + 1) * OUT_STRIDE)),
    helpers,
    chunkF: [],
    helperIdx: [],
    shell: new Int32Array(SHELL),
    table: null,
    search: (nl, rcsSq, cutSq) => teamSearch(team, nl, rcsSq, cutSq),
    gen: 0,
    layout: 0,
    sentList: null,
    sentListLayout: -1,
    sentTable: null,
    sentLoop: 'wasm',
    sentHistSlot: null,
    histBufs: [],
    closed: false,
    activeWord: active ?? { words: control, index: ACTIVE },
  };
  return team;
}

/**
 * Threads the team uses from its next force computation on (≤ 0 or more than it has: all); any thread may call it,
 * at any time: the result does not depend on it, only the speed.
 */
export function setActive(team: Pick<ForceTeam, 'activeWord'>, threads: number): void {
  Atomics.store(team.activeWord.words, team.activeWord.index, threads);
}

/** The threads the next task uses. */
export function activeThreads(team: ForceTeam): number {
  const a = Atomics.load(team.activeWord.words, team.activeWord.index);
  return a < 1 || a > team.threads ? team.threads : a;
}

/** Wake helpers 1 … a − 1 for task `gen`. */
function wake(team: ForceTeam, a: number, gen: number): void {
  for (let rank = 1; rank < a; rank++) {
    const w = genWord(team.threads, rank);
    Atomics.store(team.control, w, gen);
    Atomics.notify(team.control, w);
  }
}

/** Stop and end the helpers. The team cannot be used afterwards. */
export function closeForceTeam(team: ForceTeam): void {
  if (team.closed) return;
  team.closed = true;
  Atomics.store(team.control, CMD, CMD_STOP);
  wake(team, team.threads, ++team.gen);
  for (const h of team.helpers) h.terminate();
}

/** True when the team can compute this pair table (the tabulated kernel's). */
export function teamCanCompute(table: PairTable): boolean {
  return (table as Partial<TabulatedPairTable>).tab instanceof Float64Array;
}

/** The table kernel's compute (buck-dsf-table.ts) with the pair loop's chunks split over the active threads. */
export function teamComputeTable(team: ForceTeam, sys: System, nl: NeighborList, t: TabulatedPairTable): number {
  if (team.closed) throw new Error('the force team is closed');
  team.table = t;
  syncNeighborList(nl, sys, team.search);
  const slots = nl.n + nl.nGhost;
  const T = team.threads;
  const ctl = team.control;
  ensureLayout(team, nl);
  const a = activeThreads(team);

  // Chunks of equal neighbour-list length (the pair loop's cost is close to proportional to it): a function of
  // the list alone, never of the active threads.
  const offsets = nl.offsets;
  const total = offsets[nl.n];
  let i = 0;
  for (let c = 0; c < T; c++) {
    const i0 = i;
    if (c === T - 1) i = nl.n;
    else {
      const target = Math.round((total * (c + 1)) / T);
      while (i < nl.n && offsets[i] < target) i++;
    }
    ctl[rangeWord(c)] = i0;
    ctl[rangeWord(c) + 1] = i;
  }
  for (let rank = 0; rank < a; rank++) {
    ctl[assignWord(T, rank)] = Math.floor((rank * T) / a);
    ctl[assignWord(T, rank) + 1] = Math.floor(((rank + 1) * T) / a);
  }
  ctl[SLOTS] = slots;
  ctl[BUILDS] = nl.builds | 0;
  ctl[CMD] = CMD_COMPUTE;
  const gen = ++team.gen;
  wake(team, a, gen);

  const out = team.out;
  const loop = tableLoop(team.sentLoop);
  for (let c = ctl[assignWord(T, 0)]; c < ctl[assignWord(T, 0) + 1]; c++) {
    const f = c === 0 ? nl.f : team.chunkF[c - 1];
    loop(ctl[rangeWord(c)], ctl[rangeWord(c) + 1], nl.x, f, nl.offsets, nl.idx, nl.slotType, slots, ctl[BUILDS], t, nl.floorSq, team.outs[c]);
  }
  for (let rank = 1; rank < a; rank++) waitDone(team, rank, gen);

  const merged = _merged;
  for (let k = 0; k < 7; k++) merged[k] = out[k];
  for (let c = 1; c < T - 1; c++) addInto(nl.f, team.chunkF[c - 1], 3 * slots);
  // The last chunk's forces are added as the ghosts fold into their owners (one pass less over the ghosts;
  // the same sums in the same order as adding every slot first, so bit for bit the same forces).
  addFoldScatter(nl, team.chunkF[T - 2], sys.force);
  for (let c = 1; c < T; c++) {
    const o = c * OUT_STRIDE;
    merged[0] += out[o];
    merged[1] += out[o + 1];
    merged[2] += out[o + 2];
    merged[3] += out[o + 3];
    if (out[o + 4] < merged[4]) {
      merged[4] = out[o + 4];
      merged[5] = out[o + 5];
      merged[6] = out[o + 6];
    }
  }
  return finishCompute(sys, nl, t, merged);
}

/**
 * f = nl.f + g over the real slots, each ghost's (nl.f + g) folded into its owner in ghost order, then the
 * result scattered to atom order: neighbor.ts gatherForces applied to nl.f + g without forming that sum for
 * the ghosts in memory.
 */
function addFoldScatter(nl: NeighborList, g: Float64Array, force: Float64Array): void {
  const f = nl.f;
  const n = nl.n;
  for (let k = 0; k < 3 * n; k++) f[k] += g[k];
  const owner = nl.slotOwner;
  const end = n + nl.nGhost;
  for (let s = n; s < end; s++) {
    const s3 = 3 * s;
    const o3 = 3 * owner[s];
    f[o3] += f[s3] + g[s3];
    f[o3 + 1] += f[s3 + 1] + g[s3 + 1];
    f[o3 + 2] += f[s3 + 2] + g[s3 + 2];
  }
  scatterToAtoms(n, f, nl.slotAtom, force);
}

const _merged = new Float64Array(7);

function addInto(f: Float64Array, g: Float64Array, m: number): void {
  for (let k = 0; k < m; k++) f[k] += g[k];
}

function waitDone(team: ForceTeam, rank: number, gen: number): void {
  const word = doneWord(team.threads, rank);
  const now = Atomics.load(team.control, word);
  if (now === gen) return;
  spinWhile(team.control, word, now);
  const started = Date.now();
  for (;;) {
    const v = Atomics.load(team.control, word);
    if (v === gen) return;
    const waited = Date.now() - started;
    if (waited > HELPER_TIMEOUT_MS || Atomics.wait(team.control, word, v, HELPER_TIMEOUT_MS - waited) === 'timed-out') {
      if (Atomics.load(team.control, word) === gen) return;
      throw new Error(`force helper thread ${rank} did not answer within ${HELPER_TIMEOUT_MS / 1000} s (it may have crashed)`);
    }
  }
}

/** Send the helpers the list's current arrays (and the table) when they changed since the last time. */
function ensureLayout(team: ForceTeam, nl: NeighborList): void {
  const t = team.table as TabulatedPairTable;
  const kind = tableLoopKind();
  if (team.sentList === nl && team.sentListLayout === nl.layout && team.sentTable === t && team.sentLoop === kind) return;
  const layout = ++team.layout;
  const cap = nl.f.length;
  const idxCap = nl.idx.length;
  for (let c = 1; c < team.threads; c++) if (team.chunkF[c - 1]?.length !== cap) team.chunkF[c - 1] = sharedFloat64(cap);
  for (let rank = 1; rank < team.threads; rank++) {
    let ownIdx = team.helperIdx[rank - 1];
    if (!ownIdx || ownIdx.length !== idxCap) team.helperIdx[rank - 1] = ownIdx = sharedInt32(idxCap);
    const m: LayoutMessage = {
      kind: 'layout', layout, x: nl.x, offsets: nl.offsets, idx: nl.idx, slotType: nl.slotType, chunkF: team.chunkF, floorSq: nl.floorSq, table: t, loop: kind,
      slotBin: nl.slotBin, binStart: nl.binStart, ghostStart: nl.ghostStart, rows: nl.rows, ownIdx,
    };
    team.helpers[rank - 1].postMessage(m);
  }
  Atomics.store(team.control, LAYOUT, layout);
  team.sentList = nl;
  team.sentListLayout = nl.layout;
  team.sentTable = t;
  team.sentLoop = kind;
}

/**
 * The team as a g(r) histogram share (analysis/rdf.ts HistogramShare): on a sample step the helpers, idle
 * between force computations, count rows [0, m) of the frame's list histogram while the caller counts the rest
 * and finds the bonds and angles (which stay on the caller: they are a third of the analysis). m follows the
 * threads' speeds — a little more for the helpers each time they finished first, a little less when the
 * caller had to wait —, which changes nothing in the g(r): counts add exactly in any split.
 */
export function teamHistogramShare(team: ForceTeam): HistogramShare {
  let share = 0.6; // of the rows, for the helpers
  let gen = -1;
  let active = 1;
  return {
    begin(job) {
      const nl = team.sentList;
      if (team.closed || job.list !== nl || !nl || team.sentListLayout !== nl.layout) return 0;
      active = activeThreads(team);
      if (active < 2) return 0;
      ensureHist(team, job.slot, job.size);
      const T = team.threads;
      const ctl = team.control;
      const m = Math.max(1, Math.min(nl.n, Math.round(share * nl.n)));
      for (let rank = 1; rank < active; rank++) {
        ctl[rangeWord(rank)] = Math.floor(((rank - 1) * m) / (active - 1));
        ctl[rangeWord(rank) + 1] = Math.floor((rank * m) / (active - 1));
      }
      ctl[NTYPES] = job.nTypes;
      ctl[NBINS] = job.nBins;
      team.out[radiiAt(T) + 2] = job.delrinv;
      team.out[radiiAt(T) + 3] = job.cutSq;
      ctl[CMD] = CMD_HIST;
      gen = ++team.gen;
      wake(team, active, gen);
      return m;
    },
    end(hist) {
      let first = true; // the helpers finished before the caller
      for (let rank = 1; rank < active; rank++) {
        if (Atomics.load(team.control, doneWord(team.threads, rank)) !== gen) first = false;
        waitDone(team, rank, gen);
      }
      share = Math.min(0.95, Math.max(0.05, share + (first ? 0.02 : -0.02)));
      for (let rank = 1; rank < active; rank++) addInto(hist, team.histBufs[rank - 1], hist.length);
    },
  };
}

/** Send the helpers a histogram's type-pair map and a histogram buffer each, when they changed. */
function ensureHist(team: ForceTeam, slot: Int32Array, size: number): void {
  if (team.sentHistSlot === slot && team.histBufs[0]?.length === size) return;
  const layout = ++team.layout;
  for (let rank = 1; rank < team.threads; rank++) {
    const hist = (team.histBufs[rank - 1] = sharedFloat64(size));
    const m: HistMessage = { kind: 'hist', layout, slot, hist };
    team.helpers[rank - 1].postMessage(m);
  }
  Atomics.store(team.control, LAYOUT, layout);
  team.sentHistSlot = slot;
}

/**
 * The neighbour search of a build split over the team: slot ranges of equal size, each rank searching into
 * its own buffer (the caller straight into nl.idx), then the caller appends the helpers' parts in rank order
 * and shifts their offsets. Every slot's neighbours come out in the same order as one thread's search.
 */
function teamSearch(team: ForceTeam, nl: NeighborList, rcsSq: number, cutSq: number): boolean {
  if (team.closed || !team.table) return false;
  ensureLayout(team, nl);
  const T = team.threads;
  const ctl = team.control;
  const n = nl.n;
  // Slot ranges per active rank: every slot's neighbours come out in the same order whatever the split.
  const a = activeThreads(team);
  for (let rank = 0; rank < a; rank++) {
    ctl[rangeWord(rank)] = Math.floor((rank * n) / a);
    ctl[rangeWord(rank) + 1] = Math.floor(((rank + 1) * n) / a);
  }
  ctl[NROWS] = nl.nRows;
  team.out[radiiAt(T)] = rcsSq;
  team.out[radiiAt(T) + 1] = cutSq;
  ctl[CMD] = CMD_SEARCH;
  const gen = ++team.gen;
  wake(team, a, gen);
  const k0 = searchNeighbors(ctl[rangeWord(0)], ctl[rangeWord(0) + 1], nl.x, nl.slotBin, nl.binStart, nl.ghostStart, nl.rows, nl.nRows, rcsSq, cutSq, nl.offsets, nl.idx, team.shell);
  for (let rank = 1; rank < a; rank++) waitDone(team, rank, gen);
  if (k0 < 0) return false;
  let base = k0;
  for (let rank = 1; rank < a; rank++) {
    const k = ctl[countWord(T, rank)];
    if (k < 0 || base + k > nl.idx.length) return false;
    nl.idx.set(team.helperIdx[rank - 1].subarray(0, k), base);
    shiftOffsets(nl.offsets, ctl[rangeWord(rank)], ctl[rangeWord(rank) + 1], base);
    base += k;
  }
  nl.offsets[n] = base;
  return true;
}

function shiftOffsets(offsets: Int32Array, i0: number, i1: number, by: number): void {
  for (let i = i0; i < i1; i++) offsets[i] += by;
}

/**
 * A helper thread's life: wait for a task, run its range of the pair loop into its own buffer, say done;
 * return on stop. `receive` takes the next posted message synchronously (undefined when none is queued).
 */
export function runForceHelper(data: ForceHelperData, receive: () => unknown): void {
  const ctl = new Int32Array(data.control);
  const T = data.threads;
  const rank = data.rank;
  const done = doneWord(T, rank);
  const myGen = genWord(T, rank);
  let seen = 0;
  let view: LayoutMessage | null = null;
  let histView: HistMessage | null = null;
  let received = 0; // the last layout number received
  const shell = new Int32Array(SHELL);
  const counted = countWord(T, rank);
  const radii = new Float64Array(data.out, 8 * radiiAt(T), 4);
  const outs = Array.from({ length: T }, (_, c) => new Float64Array(data.out, 8 * OUT_STRIDE * c, OUT_STRIDE));
  for (;;) {
    spinWhile(ctl, myGen, seen);
    Atomics.wait(ctl, myGen, seen);
    const gen = Atomics.load(ctl, myGen);
    if (gen === seen) continue;
    seen = gen;
    if (Atomics.load(ctl, CMD) === CMD_STOP) return;
    const want = Atomics.load(ctl, LAYOUT);
    while (received !== want) {
      const m = receive() as LayoutMessage | HistMessage | undefined;
      if (m === undefined) throw new Error(`force helper ${rank}: layout ${want} was announced but never posted`);
      if (m.kind === 'hist') histView = m;
      else view = m;
      received = m.layout;
    }
    if (!view) throw new Error(`force helper ${rank}: a task came before any layout`);
    if (Atomics.load(ctl, CMD) === CMD_HIST) {
      if (!histView) throw new Error(`force helper ${rank}: a histogram task came before its map`);
      const v = view;
      const hist = histView.hist;
      hist.fill(0);
      listHistogram(ctl[rangeWord(rank)], ctl[rangeWord(rank) + 1], v.x, v.offsets, v.idx, v.slotType, ctl[NTYPES], histView.slot, ctl[NBINS], radii[2], radii[3], hist);
      Atomics.store(ctl, done, gen);
      Atomics.notify(ctl, done);
      continue;
    }
    if (Atomics.load(ctl, CMD) === CMD_SEARCH) {
      const v = view;
      ctl[counted] = searchNeighbors(
        ctl[rangeWord(rank)], ctl[rangeWord(rank) + 1], v.x, v.slotBin, v.binStart, v.ghostStart, v.rows, ctl[NROWS], radii[0], radii[1], v.offsets,
        v.ownIdx, shell,
      );
      Atomics.store(ctl, done, gen);
      Atomics.notify(ctl, done);
      continue;
    }
    const slots = ctl[SLOTS];
    const loop = tableLoop(view.loop);
    for (let c = ctl[assignWord(T, rank)]; c < ctl[assignWord(T, rank) + 1]; c++) {
      const f = view.chunkF[c - 1];
        loop(ctl[rangeWord(c)], ctl[rangeWord(c) + 1], view.x, f, view.offsets, view.idx, view.slotType, slots, ctl[BUILDS], view.table, view.floorSq, outs[c]);
    }
    Atomics.store(ctl, done, gen);
    Atomics.notify(ctl, done);
  }
}
