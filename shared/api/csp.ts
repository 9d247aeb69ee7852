/**
 * The renderer's Content-Security-Policy, sent by both hosts that serve it: the Electron app://
 * protocol (electron/main/protocol.ts) and the web host (electron/web-host/server.ts). Scripts,
 * styles and fonts only from the app itself; calls only to itself and the web host's event socket.
 */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
