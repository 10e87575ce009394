// zod (used by the pure src-worker modules the renderer imports, e.g. validateSpace) compiles fast parsers with
// `new Function` unless told not to; the page's CSP forbids eval, and even zod's guarded probe is reported as a
// CSP violation. Jitless mode parses the same, without eval. Imported first by main.ts, before any schema runs.
import { config } from 'zod';

config({ jitless: true });
