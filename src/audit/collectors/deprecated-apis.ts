/** apiserver_requested_deprecated_apis from /metrics → DeprecatedAPIUsage (where /metrics is readable). */
import { DEPRECATED_APIS_KIND } from '../../checks/_lib/cluster-facts.js';
import { deprecatedApiMetric } from '../../cluster/probe.js';
import { factsObject } from '../facts.js';
import type { Collector } from './types.js';

export const deprecatedApisCollector: Collector = {
  name: 'deprecated API usage',
  async collect({ client, now }) {
    const metric = await deprecatedApiMetric(client);
    const warnings = metric.readable ? [] : [`deprecated API usage was not assessed: /metrics ${metric.reason}`];
    return { objects: [factsObject(DEPRECATED_APIS_KIND, client.identity.server, now, { ...metric })], warnings };
  },
};
