/**
 * Where the Electron window's page comes from: our own privileged `app://glassfit/` scheme serving the built
 * renderer (not file://, so the page has a real origin, a CSP header and no access to the rest of the disk).
 */
export { CONTENT_SECURITY_POLICY } from '../bridge/csp.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'glassfit';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
