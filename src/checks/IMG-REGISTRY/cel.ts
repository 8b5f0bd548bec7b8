import { imageRecords, lit, strList, type Cel, type CelForm } from '../../k8s/cel.js';
import { DOCKER_HUB_ALIASES } from './constants.js';

type Settings = { readonly allowedRegistries: readonly string[]; readonly deniedRegistries: readonly string[] };

/** An allow/deny entry, normalised as registryEntryMatches does, as a CEL test of record `i` (host, name). */
function entryMatches(entry: string): Cel {
  let e = entry.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
  if (!e) return 'false';
  if (DOCKER_HUB_ALIASES.has(e.split('/')[0])) e = ['docker.io', ...e.split('/').slice(1)].join('/');
  if (e.startsWith('*.')) return `i.host.endsWith(${lit(e.slice(1))})`;
  return `(i.name == ${lit(e)} || i.name.startsWith(${lit(`${e}/`)}))`;
}

export const cel: CelForm<Settings> = {
  form: 'pod',
  findings: ({ pod, settings, constant }) => {
    const images = constant('images', imageRecords(pod));
    // normalizedImageName: docker.io for no registry and its aliases, library/ for official images.
    const hub = `(r.registry == '' || r.registry.lowerAscii() in ${strList(DOCKER_HUB_ALIASES)})`;
    const parsed = constant('parsed', `${images}.map(r, {'describe': r.describe, 'image': r.image, 'ref': r.ref, 'registry': r.registry.lowerAscii(), 'repository': r.repository, 'host': ${hub} ? 'docker.io' : r.registry.lowerAscii(), 'name': (${hub} ? 'docker.io' : r.registry.lowerAscii()) + '/' + (${hub} && !r.repository.contains('/') ? 'library/' + r.repository : r.repository)})`);
    const k8sGcr = "i.registry == 'k8s.gcr.io'";
    const googleContainers = "(i.registry == 'gcr.io' && i.repository.startsWith('google_containers/'))";
    const deprecated = `${k8sGcr} || ${googleContainers}`;
    const depMessage = `i.describe + ': image "' + i.image + '" uses a deprecated registry: ' + (${k8sGcr} ? 'k8s.gcr.io has been frozen since April 2023 (no new images or patched versions) and is being shut down; its images moved to registry.k8s.io' : 'gcr.io/google_containers is the legacy name of the frozen k8s.gcr.io; current images live on registry.k8s.io')`;
    const denied = settings.deniedRegistries;
    const allowed = settings.allowedRegistries;
    const deniedBy = `(${denied.reduceRight((els, e) => `${entryMatches(e)} ? ${lit(e)} : ${els}`, "''")})`;
    const parts: Cel[] = [`${parsed}.map(i, i.ref != '' && (${deprecated}), ${depMessage})`];
    if (denied.length) parts.push(`${parsed}.map(i, i.ref != '' && !(${deprecated}) && ${deniedBy} != '', i.describe + ': image "' + i.image + '" comes from a denied registry ("' + ${deniedBy} + '" in deniedRegistries)')`);
    if (allowed.length) {
      const ok = allowed.map(entryMatches).join(' || ');
      parts.push(`${parsed}.map(i, i.ref != '' && !(${deprecated}) && ${denied.length ? `${deniedBy} == ''` : 'true'} && !(${ok}), i.describe + ': image "' + i.image + '" (' + i.host + ') is not from an allowed registry (allowedRegistries: ' + ${lit(allowed.join(', '))} + ')')`);
    }
    return parts.map((p) => `(${p})`).join(' + ');
  },
};
