/** Snippet annotations that reach server/location level, where the injected configuration can read the controller's files. */
export const CRITICAL = new Set(['server-snippet', 'configuration-snippet', 'server-snippets', 'location-snippets', 'stream-snippet']);
