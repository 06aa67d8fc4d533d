import type { RateLimit } from '../../limits/rate-buckets.js';

/**
 * Starting a chat (a token, then the conversation) per client address. A patient uses one of each per chat
 * (reloading the page resumes without either), so this only stops scripted floods. The burst is above the
 * 10 one client needs because many patients can share one address: a surgery's or a hospital's wifi.
 * The buckets live in the database (src/limits), so the limit holds across instances.
 */
export const WEBCHAT_TOKEN_LIMIT: RateLimit = { scope: 'webchat-token', burst: 20, perSecond: 1 };
export const WEBCHAT_START_LIMIT: RateLimit = { scope: 'webchat-start', burst: 20, perSecond: 1 };
