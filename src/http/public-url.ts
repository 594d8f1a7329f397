import type { Config } from '../env';

/**
 * An absolute link for clients to follow, on the configured public base URL (which may carry a path
 * prefix). Never derived from the request: its Host header is whatever the caller chose to send.
 */
export const publicUrl = (config: Pick<Config, 'PUBLIC_BASE_URL'>, path: `/${string}`): string =>
  `${config.PUBLIC_BASE_URL}${path}`;
