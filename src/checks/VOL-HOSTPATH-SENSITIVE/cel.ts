import type { Severity } from '../../engine/types.js';
import { atOrUnder, hostPathRecords, lit, strList, type Cel, type CelForm, type CelPart } from '../../k8s/cel.js';
import { BENIGN, BENIGN_READ_ONLY, SENSITIVE } from './constants.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) => {
    const volumes = constant('volumes', hostPathRecords(pod));
    const table = constant('sensitive', `[${SENSITIVE.map((s) => `{'path': ${lit(s.path)}, 'ro': ${lit(s.readOnly ?? '')}, 'what': ${lit(s.what)}}`).join(', ')}]`);
    const p = 'v.path';
    const rw = "v.rw == 'y'";
    const sev = (s: Cel) => `((${rw}) || (v.privileged == 'y' && ${s}.path == '/dev') ? 'high' : ${s}.ro)`;
    const insides = `${table}.filter(s, s.path != '/' && ${atOrUnder(p, 's.path')})`;
    // The longest location the path lies in.
    const inside = `${insides}.filter(s, !${insides}.exists(t, t.path.size() > s.path.size()))`;
    const below = `${table}.filter(s, !(s.path != '/' && ${atOrUnder(p, 's.path')}) && (${atOrUnder('s.path', p)} || ${p} == s.path) && ${sev('s')} != '')`;
    const insideSev = `(${inside}.size() > 0 ? ${sev(`${inside}[0]`)} : '')`;
    const sevs = `([${insideSev}] + ${below}.map(s, ${sev('s')}))`;
    const rank = `('high' in ${sevs} ? 'high' : 'medium' in ${sevs} ? 'medium' : '')`;
    const severity = `(${p} == '/' && (${rw}) && ${rank} != '' ? 'critical' : ${rank})`;
    const root = `${below}.filter(s, s.path == ${p})`;
    const what = `(${insideSev} != '' ? (${inside}[0].path == ${p} ? ${inside}[0].what : 'which lies in ' + ${inside}[0].path + ': ' + ${inside}[0].what) : ${root}.size() > 0 ? ${root}[0].what : 'which contains ' + ${below}.filter(s, ${below}.indexOf(s) < 4).map(s, s.path).join(', ') + (${below}.size() > 4 ? ' and ' + string(${below}.size() - 4) + ' more' : ''))`;
    const benign = `${p} in ${strList(BENIGN)} || (!(${rw}) && ${strList(BENIGN_READ_ONLY)}.exists(b, ${atOrUnder(p, 'b')}))`;
    // Each volume judged once per request: its severity ('' when it is not sensitive) and what it exposes.
    const judged = constant('judged', `${volumes}.map(v, {'severity': string((${benign}) ? '' : ${severity}), 'message': string('volume "' + v.name + '" mounts host path ' + v.raw + ', ' + ${what} + '; ' + v.summary)})`);
    const parts: CelPart[] = (['critical', 'high', 'medium'] as Severity[]).map((s) => ({
      severity: s,
      messages: `${judged}.map(j, j.severity == ${lit(s)}, j.message)`,
    }));
    return parts;
  },
};
