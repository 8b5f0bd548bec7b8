import { HOST_PATH, lit, mountSummary, perHostPathVolume, strList, VOL, type CelForm } from '../../k8s/cel.js';
import { CREDENTIALS, GENERIC } from './index.js';

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
  findings: ({ pod }) => {
    const hits = `[${CREDENTIALS.map((c) => `(${HOST_PATH}.matches(${lit(underRegex(c.path))}) || ${HOST_PATH}.matches(${lit(aboveRegex(c.path))})) ? ${lit(c.what)} : ''`).join(', ')}].filter(w, w != '')`;
    return perHostPathVolume(
      pod,
      `'volume "' + ${VOL}.name + '" mounts host path ' + ${VOL}.hostPath.path + ', which holds ' + (${hits}).filter(w, (${hits}).indexOf(w) < 3).join('; ') + '; ' + ${mountSummary(pod)}`,
      `!(${HOST_PATH} in ${strList(GENERIC)}) && (${hits}).size() > 0`,
    );
  },
};
