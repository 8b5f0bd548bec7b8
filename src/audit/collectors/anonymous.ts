/**
 * Unauthenticated GETs of /api, /version and /healthz → AnonymousAuthProbe: the one anonymous
 * probe of `audit` and `scan --control-plane` (CLU-ANONYMOUS-AUTH judges it; a probe that could
 * not be sent is CP-NOT-ASSESSABLE's).
 */
import { ANONYMOUS_PROBE_KIND } from '../../checks/_lib/cluster-facts.js';
import { probeAnonymous } from '../../cluster/probe.js';
import { factsObject } from '../facts.js';
import type { Collector } from './types.js';

export const anonymousProbeCollector: Collector = {
  name: 'anonymous access probe',
  async collect({ client, now }) {
    const probe = await probeAnonymous(client);
    return { objects: [factsObject(ANONYMOUS_PROBE_KIND, client.identity.server, now, { ...probe })] };
  },
};
