/**
 * Reading untrusted files, as jobs for the parse worker (src-worker/parse-entry.ts): a reference (g(r) table or
 * trajectory → Reference, usability checked), a configuration (→ Frame), a trajectory analysis (→ Structure and
 * a summary), a parameter file (→ ForceFieldFile). The main process never runs these on its own event loop:
 * src-main/parse/client.ts posts them to a worker thread with a time and a memory limit, so a file that would
 * hang or exhaust a reader costs one terminated worker and a one-line error, never the app or a campaign.
 *
 * Environment-free and synchronous: the answers are plain data (typed arrays included) that cross the thread
 * boundary by structured clone; a ParseError travels as data (parse-protocol.ts) and is rebuilt on the other side.
 */
import { importReference, type ImportOptions, type Reference } from '../evaluate/reference.ts';
import { readFrame } from '../io/configuration.ts';
import { detectFormat, readTrajectory, type TrajectoryFormat } from '../io/trajectory.ts';
import type { Frame } from '../io/frame.ts';
import { checkText } from '../io/parse-fields.ts';
import { analyzeFrames, type Structure } from '../analysis/structure.ts';
import type { RdfSpec } from '../analysis/rdf.ts';
import type { BondCutoffs } from '../analysis/bonds.ts';
import { readForceFieldFile, type ForceFieldFile } from '../params/forcefield-file.ts';
import type { SpeciesTable } from '../species.ts';

/** Where the text comes from: given (the API's request body) or a path the worker reads (the CLI). */
export type TextSource = { readonly text: string } | { readonly path: string };

export type ParseJob =
  | { readonly kind: 'reference'; readonly fileName: string; readonly source: TextSource; readonly options?: ImportOptions }
  | { readonly kind: 'configuration'; readonly fileName: string; readonly source: TextSource; readonly species?: SpeciesTable; readonly index?: number }
  | {
      readonly kind: 'analysis';
      readonly fileName: string;
      readonly source: TextSource;
      readonly species: SpeciesTable;
      readonly typeMap?: Readonly<Record<number, string>>;
      readonly rdf: RdfSpec;
      readonly bondCutoffs: BondCutoffs | null;
      /** Frames to skip at the start, then every `every`-th. */
      readonly skip: number;
      readonly every: number;
    }
  | { readonly kind: 'forcefield'; readonly fileName: string; readonly source: TextSource };

/** What a trajectory analysis answers: the structure and what the CLI reports about the frames. */
export interface AnalysisAnswer {
  readonly format: TrajectoryFormat;
  readonly frames: number; // in the file
  readonly used: number; // analysed after skip/every
  readonly first: Pick<Frame, 'n' | 'box' | 'names'>;
  readonly structure: Structure;
}

export interface ParseAnswers {
  readonly reference: Reference;
  readonly configuration: Frame;
  readonly analysis: AnalysisAnswer;
  readonly forcefield: ForceFieldFile;
}

export type ParseAnswer<K extends ParseJob['kind']> = ParseAnswers[K];

/** A job whose file the analysis rejects for a reason that is not a parse error (e.g. nothing left after --skip). */
export class FileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileProblem';
  }
}

/** Run one job on its text (the entry resolves a path to text first). Throws ParseError or FileProblem for a bad file. */
export function runParseJob(job: ParseJob, text: string): ParseAnswer<ParseJob['kind']> {
  // The text readers check size, NUL bytes and line lengths themselves (parse-fields.ts readLines); JSON does not.
  if (job.kind === 'forcefield') checkText(text, job.fileName);
  switch (job.kind) {
    case 'reference':
      return importReference(text, job.fileName, job.options ?? {});
    case 'configuration':
      return readFrame(text, job.fileName, job.species, job.index ?? 0);
    case 'analysis': {
      const format = detectFormat(text, job.fileName);
      const all = readTrajectory(text, job.fileName, { species: job.species, format, ...(job.typeMap ? { typeMap: job.typeMap } : {}) });
      const used = all.filter((_, i) => i >= job.skip && (i - job.skip) % job.every === 0);
      if (used.length === 0) throw new FileProblem(`${job.fileName} has ${all.length} frame${all.length === 1 ? '' : 's'}; skipping ${job.skip} leaves none`);
      const structure = analyzeFrames(used, job.species, { rdf: job.rdf, bondCutoffs: job.bondCutoffs });
      const f0 = used[0];
      return { format, frames: all.length, used: used.length, first: { n: f0.n, box: f0.box, names: f0.names }, structure };
    }
    case 'forcefield':
      return readForceFieldFile(text, job.fileName);
  }
}
