/** Unauthenticated GETs of /api, /version and /healthz → AnonymousAuthProbe. */
import { ANONYMOUS_PROBE_KIND } from '../../checks/_lib/cluster-facts.js';
import { probeAnonymous } from '../../cluster/probe.js';
import { factsObject } from '../facts.js';
import type { Collector } from './types.js';

export const anonymousProbeCollector: Collector = {
  name: 'anonymous access probe',
  async collect({ client, now }) {
    const probe = await probeAnonymous(client);
    const warnings = probe.assessable ? [] : [`anonymous access was not probed: ${probe.reason}`];
    return { objects: [factsObject(ANONYMOUS_PROBE_KIND, client.identity.server, now, { ...probe })], warnings };
  },
};
