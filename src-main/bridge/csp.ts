/**
 * The Content Security Policy of the renderer, wherever it is served: the Electron `app://` scheme
 * (electron/main.ts) and the bridge (server.ts) send it as a header; src-renderer/index.html carries the
 * same directives as a meta tag (tests check they agree). `frame-ancestors` is header-only: browsers ignore
 * it in a meta tag.
 *
 * Everything from our own origin, nothing inline, nothing remote: scripts and styles only as files of the
 * built renderer; images also as data:/blob: URLs (PNG export); connections only back to the origin (the
 * bridge's HTTP + WebSocket; unused under IPC).
 */
export const CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
] as const;

/** The meta-tag form (src-renderer/index.html). */
export const CSP_META = CSP_DIRECTIVES.join('; ');

/** The header form. */
export const CONTENT_SECURITY_POLICY = [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; ');
