/** GET /version → APIServerVersion (version currency and kubelet skew checks). */
import { SERVER_VERSION_KIND } from '../../checks/_lib/cluster-facts.js';
import { serverVersion } from '../../cluster/probe.js';
import { factsObject } from '../facts.js';
import type { Collector } from './types.js';

export const serverVersionCollector: Collector = {
  name: 'server version',
  async collect({ client, now }) {
    const version = await serverVersion(client);
    return { objects: [factsObject(SERVER_VERSION_KIND, client.identity.server, now, { version })] };
  },
};
