import { lit, strList, type CelForm } from '../../k8s/cel.js';
import { CRITICAL } from './constants.js';

/** SNIPPET (case-insensitive): `<…nginx…>/<…snippet[s]>`; the part after the slash says whether it is server/location level. */
const SNIPPET_RE2 = '(?i)^([^/]*nginx[^/]*)/([a-z-]*snippets?)$';

export const cel: CelForm = {
  form: 'object',
  findings: ({ annotations }) => {
    const critical = `k.substring(k.indexOf('/') + 1).lowerAscii() in ${strList(CRITICAL)}`;
    const matches = `k.matches(${lit(SNIPPET_RE2)})`;
    return [
      { severity: 'critical', messages: `${annotations}.filter(k, ${matches} && ${critical}).map(k, 'annotation "' + k + '" injects raw NGINX configuration at server/location level, where it can read the controller\\'s files and Secrets (CVE-2021-25742)')` },
      { messages: `${annotations}.filter(k, ${matches} && !(${critical})).map(k, 'annotation "' + k + '" injects raw NGINX configuration')` },
    ];
  },
};
