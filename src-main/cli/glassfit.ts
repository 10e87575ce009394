/**
 * `glassfit` command-line entry: dispatches to one module per command under ./commands, each exporting
 * `run(argv): Promise<number>` and `help`. Every failure ends as one line on stderr and a non-zero exit
 * code; a stack trace is printed only with GLASSFIT_DEBUG=1.
 */
import { CliError } from './errors.ts';

interface CommandModule {
  readonly help: string;
  run(argv: string[]): Promise<number>;
}

/** Command name → lazy module, so `glassfit forces` does not load the optimizer or SQLite. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  md: { summary: 'run the MD protocol for one potential and write the final configuration', load: () => import('./commands/md.ts') },
  forces: { summary: 'single-point energy and per-atom forces of a configuration', load: () => import('./commands/forces.ts') },
  analyze: { summary: 'g(r), bond-angle distributions and coordination of a trajectory', load: () => import('./commands/analyze.ts') },
  evaluate: { summary: 'R_χ of a potential against a reference structure', load: () => import('./commands/evaluate.ts') },
  campaign: { summary: 'create, run, inspect and export fitting campaigns', load: () => import('./commands/campaign.ts') },
  glass: { summary: 'quench glasses with a potential; density, F(Q) against experiment, angles, Qn', load: () => import('./commands/glass.ts') },
  demo: { summary: 'a small two-parameter campaign on the built-in reference (about 10 minutes)', load: () => import('./commands/demo.ts') },
  serve: { summary: 'serve the workbench to a local browser (127.0.0.1, token-protected)', load: () => import('./commands/serve.ts') },
};

function usage(): string {
  const lines = ['usage: glassfit <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', "run 'glassfit <command> --help' for a command's options");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`glassfit: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    const mod = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(mod.help);
      return 0;
    }
    return await mod.run(rest);
  } catch (e) {
    return reportError(e);
  }
}

/** One line naming the problem; the stack only when asked for. */
export function reportError(e: unknown): number {
  if (process.env.GLASSFIT_DEBUG === '1' && e instanceof Error) console.error(e.stack);
  const msg = e instanceof Error ? e.message : String(e);
  console.error(`glassfit: error: ${msg.split('\n')[0]}`);
  return e instanceof CliError ? e.exitCode : 1;
}
