import { bind, hostPathRecords, lit, strList, type CelForm } from '../../k8s/cel.js';
import { CREDENTIALS, GENERIC } from './constants.js';

function seg(s: string): string {
  return s === '*' ? '[^/]+' : s.replace(/[\\^$.|+()[\]{}*?]/g, '\\$&');
}

/** The path is the credential location or below it (`*` is one segment). */
function underRegex(path: string): string {
  return `^/${path.split('/').filter(Boolean).map(seg).join('/')}(/.*)?$`;
}

/** The path is a directory above the credential location. */
function aboveRegex(path: string): string {
  const segs = path.split('/').filter(Boolean).map(seg);
  let re = '';
  for (let i = segs.length - 2; i >= 0; i--) re = `(/${segs[i]}${re})${i === 0 ? '' : '?'}`;
  return `^${re}$`;
}

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) => {
    const volumes = constant('volumes', hostPathRecords(pod));
    // Each credential location as [at-or-under regex, above regex, what it holds].
    const table = constant('credentials', `[${CREDENTIALS.map((c) => `[${lit(underRegex(c.path))}, ${lit(aboveRegex(c.path))}, ${lit(c.what)}]`).join(', ')}]`);
    const hits = `${table}.filter(t, v.path.matches(t[0]) || v.path.matches(t[1])).map(t, t[2])`;
    return `${volumes}.filter(v, !(v.path in ${strList(GENERIC)})).map(v, ${bind(hits, 'h', "h.size() > 0 ? ['volume \"' + v.name + '\" mounts host path ' + v.raw + ', which holds ' + h.filter(w, h.indexOf(w) < 3).join('; ') + '; ' + v.summary] : []")}).filter(l, l.size() > 0).map(l, l[0])`;
  },
};
