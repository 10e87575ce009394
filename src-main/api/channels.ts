/**
 * The names of the workbench API: request channels and pushed events. Dependency-free so the sandboxed
 * preload bundles nothing else; payload shapes and validation live in contract.ts.
 */
export const channels = [
  'app.info',
  'builtins.get',
  'campaigns.list',
  'campaigns.get',
  'campaigns.create',
  'campaigns.control',
  'campaigns.duplicate',
  'campaigns.delete',
  'campaigns.setExecution',
  'evaluations.page',
  'evaluations.detail',
  'surrogate.slice',
  'surrogate.map',
  'surrogate.importance',
  'reference.preview',
  'reference.get',
  'compare.get',
  'export.lammps',
  'export.table',
  'presets.space',
  'screen.preview',
  'glass.start',
  'glass.get',
  'glass.cancel',
  'glass.list',
  'glass.delete',
] as const;

export const eventNames = ['campaigns.changed', 'campaign.progress', 'evaluation.changed', 'worker.status', 'glass.progress'] as const;

export type Channel = (typeof channels)[number];
export type EventName = (typeof eventNames)[number];
