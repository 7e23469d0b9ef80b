export { createHub, type HubContext, type HubExtension } from './server/create-hub.js';
export { hubExtensions } from './extensions.js';
export type { Hub, MintClaims } from './server/types.js';
export type { HubOptions, HubOptionsInput } from './server/options.js';
export * from './protocol/index.js';
export { DEFAULT_TOKEN_TTL_SEC } from './auth/mint.js';
