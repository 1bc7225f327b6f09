import { secureHeaders } from 'hono/secure-headers';

/**
 * The headers of every page, the portal's and the console's: scripts and styles from this
 * origin only, no frames, no referrer to other sites, no sniffing. The referrer policy is
 * `same-origin`, not `no-referrer`: under `no-referrer` a browser posts our own forms with
 * `Origin: null`, which the forms' origin check must refuse (server/http/form-guard.ts).
 * A page may set a stricter header itself, which is kept: `/report/<receipt>?key=…` holds
 * a secret in its address and is sent with `no-referrer` (its forms' guard allows for it).
 */
export const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'same-origin',
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
  overwrite: false,
});
