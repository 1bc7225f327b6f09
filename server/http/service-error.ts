/**
 * A request the registry refuses, with what the HTTP API and the CLI need to say so:
 * `not-found` (404, exit 1), `conflict` (409, exit 1) or `invalid` (400, exit 1, with
 * the field it is about).
 */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'invalid' | 'forbidden' | 'unavailable',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
