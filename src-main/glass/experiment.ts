/**
 * Node side of the experimental glass reference: reads the measured neutron F(Q) from resources/experiment/
 * (a separate data file with its own licence; never built into code) and parses it with src-worker/glass.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXPERIMENT_FQ_FILE, parseMint01, type MeasuredCurve } from '../../src-worker/glass/experiment.ts';

/** resources/experiment of this checkout (a packaged app passes its own folder). */
export function defaultExperimentDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/experiment');
}

/** The measured F(Q) of vitreous silica (barn), rows with an error estimate only. */
export function loadExperimentFq(dir: string = defaultExperimentDir()): MeasuredCurve {
  const path = join(dir, EXPERIMENT_FQ_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the experimental F(Q) ${path}: ${(e as Error).message}`);
  }
  return parseMint01(text, EXPERIMENT_FQ_FILE);
}
