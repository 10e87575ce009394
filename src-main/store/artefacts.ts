/**
 * Compact storage of an evaluation's artefacts — partial g(r), angle distributions, coordination, final
 * configuration — as one deflated BLOB: a JSON header (scalars, names, array directory) followed by
 * little-endian typed arrays. Curves and positions are float32 (7 significant digits: far below the
 * statistical noise of a g(r) and a hundred-thousandth of an Å in a 20 Å box), types uint8; the r grid stays
 * float64 so bin centres read back exactly. A 3000-atom evaluation takes about 30 kB.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DoneResult, StoppedResult } from '../../src-worker/evaluate/spec.ts';
import type { SpeciesTable } from '../../src-worker/species.ts';
import type { EvaluationArtefacts } from '../../src-worker/campaign/records.ts';

export const ARTEFACT_ENCODING = 'glassfit-artefacts-1';

type DType = 'f64' | 'f32' | 'u8';
const CTORS = { f64: Float64Array, f32: Float32Array, u8: Uint8Array } as const;
type Arr = Float64Array | Float32Array | Uint8Array;

interface Header {
  readonly meta: unknown;
  readonly arrays: { readonly key: string; readonly dtype: DType; readonly length: number }[];
}

/** Pack named typed arrays and a JSON-able meta object into one deflated buffer. */
function pack(meta: unknown, arrays: Record<string, Arr>): Buffer {
  const dir: Header['arrays'] = [];
  const parts: Arr[] = [];
  for (const [key, a] of Object.entries(arrays)) {
    const dtype: DType = a instanceof Float64Array ? 'f64' : a instanceof Float32Array ? 'f32' : 'u8';
    dir.push({ key, dtype, length: a.length });
    parts.push(a);
  }
  const head = Buffer.from(JSON.stringify({ meta, arrays: dir } satisfies Header), 'utf8');
  let size = 4 + head.length;
  size = Math.ceil(size / 8) * 8;
  const offsets: number[] = [];
  for (const a of parts) {
    offsets.push(size);
    size = Math.ceil((size + a.byteLength) / 8) * 8;
  }
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(head.length, 0);
  head.copy(buf, 4);
  parts.forEach((a, k) => {
    // Copy through a byte view; typed arrays are little-endian on every platform Node runs on.
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, offsets[k]);
  });
  return deflateRawSync(buf, { level: 6 });
}

function unpack(blob: Uint8Array): { meta: unknown; arrays: Map<string, Arr> } {
  const buf = inflateRawSync(blob);
  const headLen = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headLen).toString('utf8')) as Header;
  let off = Math.ceil((4 + headLen) / 8) * 8;
  const arrays = new Map<string, Arr>();
  for (const d of header.arrays) {
    const Ctor = CTORS[d.dtype];
    const bytes = d.length * Ctor.BYTES_PER_ELEMENT;
    const copy = new Uint8Array(bytes);
    copy.set(buf.subarray(off, off + bytes));
    arrays.set(d.key, new Ctor(copy.buffer));
    off = Math.ceil((off + bytes) / 8) * 8;
  }
  return { meta: header.meta, arrays };
}

interface Meta {
  gr: { pairs: string[]; frames: number } | null;
  adf: { triplets: string[]; dTheta: number; mean: Record<string, number | null> } | null;
  coordination: { centre: string; neighbour: string; mean: number | null }[] | null;
  final: { box: { lx: number; ly: number; lz: number }; species: string[] } | null;
}

const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The artefacts of a finished evaluation as a BLOB (a stopped one: the g(r) of its last window, the production so far, the frame at the stop). */
export function encodeArtefacts(r: DoneResult | StoppedResult, species: SpeciesTable): Buffer {
  const arrays: Record<string, Arr> = {};
  const meta: Meta = { gr: null, adf: null, coordination: null, final: null };
  meta.gr = { pairs: [...r.rdf.pairs], frames: r.rdf.frames };
  arrays['gr.r'] = Float64Array.from(r.rdf.r);
  for (const p of r.rdf.pairs) arrays[`gr.g.${p}`] = Float32Array.from(r.rdf.g[p]);
  if (r.adf) {
    meta.adf = { triplets: [...r.adf.triplets], dTheta: r.adf.dTheta, mean: Object.fromEntries(r.adf.triplets.map((t) => [t, nullIfNaN(r.adf!.mean[t])])) };
    arrays['adf.theta'] = Float64Array.from(r.adf.theta);
    for (const t of r.adf.triplets) arrays[`adf.p.${t}`] = Float32Array.from(r.adf.p[t]);
  }
  meta.coordination = r.coordination.map((c, k) => {
    arrays[`coord.${k}`] = Float32Array.from(c.fractions);
    return { centre: c.centre, neighbour: c.neighbour, mean: nullIfNaN(c.mean) };
  });
  const names = species.species.map((s) => s.name);
  const f = r.final;
  const type = new Uint8Array(f.n);
  for (let i = 0; i < f.n; i++) {
    const k = names.indexOf(f.names[i]);
    if (k < 0) throw new Error(`final configuration: atom ${i} is '${f.names[i]}', not a species of ${names.join(', ')}`);
    type[i] = k;
  }
  meta.final = { box: { lx: f.box.lx, ly: f.box.ly, lz: f.box.lz }, species: names };
  arrays['final.type'] = type;
  arrays['final.pos'] = Float32Array.from(f.pos);
  return pack(meta, arrays);
}

const list = (a: Arr | undefined): number[] => (a ? Array.from(a) : []);

/** The artefacts as the API gives them (number arrays). */
export function decodeArtefacts(encoding: string, blob: Uint8Array): EvaluationArtefacts {
  if (encoding !== ARTEFACT_ENCODING) throw new Error(`artefacts stored as '${encoding}', which this version cannot read`);
  const { meta: raw, arrays } = unpack(blob);
  const meta = raw as Meta;
  return {
    gr: meta.gr && { r: list(arrays.get('gr.r')), pairs: meta.gr.pairs, g: Object.fromEntries(meta.gr.pairs.map((p) => [p, list(arrays.get(`gr.g.${p}`))])), frames: meta.gr.frames },
    adf: meta.adf && {
      theta: list(arrays.get('adf.theta')),
      dTheta: meta.adf.dTheta,
      triplets: meta.adf.triplets,
      p: Object.fromEntries(meta.adf.triplets.map((t) => [t, list(arrays.get(`adf.p.${t}`))])),
      mean: meta.adf.mean,
    },
    coordination: meta.coordination && meta.coordination.map((c, k) => ({ ...c, fractions: list(arrays.get(`coord.${k}`)) })),
    final: meta.final && { box: meta.final.box, species: meta.final.species, type: list(arrays.get('final.type')), pos: list(arrays.get('final.pos')) },
  };
}

export const NO_ARTEFACTS: EvaluationArtefacts = { gr: null, adf: null, coordination: null, final: null };
