/**
 * MdFailure: why an MD run stopped early. A blow-up is a value returned to the caller, never an exception:
 * the evaluator records it as a failed evaluation and the campaign goes on.
 */
export type MdFailure =
  | { readonly kind: 'non-finite'; readonly step: number; readonly atom: number; readonly what: 'energy' | 'force' | 'position' }
  | { readonly kind: 'too-close'; readonly step: number; readonly i: number; readonly j: number; readonly r: number }
  | { readonly kind: 'temperature-runaway'; readonly step: number; readonly temperature: number }
  | { readonly kind: 'lost-atom'; readonly step: number; readonly atom: number; readonly displacement: number }
  | { readonly kind: 'box-collapse'; readonly step: number; readonly edge: number }
  | { readonly kind: 'crowded'; readonly step: number; readonly entries: number }
  | { readonly kind: 'cancelled'; readonly step: number };

/** One line a user can read: what happened and at which step. */
export function describeFailure(f: MdFailure): string {
  switch (f.kind) {
    case 'non-finite':
      return `MD blew up at step ${f.step}: non-finite ${f.what} on atom ${f.atom}`;
    case 'too-close':
      return `MD blew up at step ${f.step}: atoms ${f.i} and ${f.j} are ${f.r.toPrecision(3)} Å apart`;
    case 'temperature-runaway':
      return `MD blew up at step ${f.step}: temperature ran away to ${f.temperature.toPrecision(4)} K`;
    case 'lost-atom':
      return `MD blew up at step ${f.step}: atom ${f.atom} moved ${f.displacement.toPrecision(3)} Å in one step`;
    case 'box-collapse':
      return `MD blew up at step ${f.step}: the barostat shrank the box to ${f.edge.toPrecision(4)} Å, below the cut-off + skin`;
    case 'crowded':
      return `MD blew up at step ${f.step}: the neighbour search could not place ${f.entries.toExponential(2)} entries (atoms piled into one region)`;
    case 'cancelled':
      return `run cancelled at step ${f.step}`;
  }
}
