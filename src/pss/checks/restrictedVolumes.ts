/**
 * restrictedVolumes (restricted, v1.0+, replaces hostPathVolumes): volumes may only be configMap,
 * csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret.
 * (`image` was added upstream to the v1.0 implementation itself, so it is allowed at every version.)
 * A volume with no source at all is defaulted to emptyDir by the API server before admission
 * (upstream fixture `restrictedvolumes0`: "implicit empty dir"), so it is allowed.
 */
import { forbidden, type CheckDefinition } from '../check.js';
import type { PssPath, PssResult } from '../types.js';
import type { PodView } from '../view.js';
import { joinQuote, pluralize, sortedUnique } from '../util.js';
import { asList, isSet, asMap, goString, type JsonMap } from '../../k8s/json.js';
import type { Cel, PodCel } from '../../k8s/cel.js';
import { bind } from '../../k8s/cel.js';
import { failure, joinQuoteCel, pluralizeCel } from '../cel.js';
import { lit } from '../../k8s/cel.js';

function cel(p: PodCel): Cel {
  const allowed = ALLOWED_VOLUME_TYPES.map((t) => `v.?${t}.hasValue()`).join(' || ');
  const type = RESTRICTED_VOLUME_TYPES.reduceRight((els, t) => `(v.?${t}.hasValue() ? ${lit(t)} : ${els})`, "''");
  // [name, type] of each restricted volume, then the names and the types.
  const bad = `${p.spec}.?volumes.orValue([]).map(v, !(${allowed}) && ${type} != '', [string(v.name), ${type}])`;
  return bind(bad, 'b', bind('b.map(x, x[0])', 'n', bind('b.map(x, x[1])', 't', failure('n.size() > 0', 'restricted volume types', `${pluralizeCel('volume', 'volumes', 'n.size()')} + ' ' + ${joinQuoteCel('n')} + ' ' + ${pluralizeCel('uses', 'use', 'n.size()')} + ' ' + ${pluralizeCel('restricted volume type', 'restricted volume types', 't.size()')} + ' ' + ${joinQuoteCel('t')}`))));
}

export const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'] as const;

/** In the order of the upstream switch. */
export const RESTRICTED_VOLUME_TYPES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder',
  'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
] as const;

export type RestrictedVolumeType = (typeof RESTRICTED_VOLUME_TYPES)[number];

/** The restricted source of a volume, or undefined when the control allows it. */
export function restrictedVolumeType(vol: JsonMap): RestrictedVolumeType | undefined {
  for (const t of ALLOWED_VOLUME_TYPES) if (isSet(vol[t])) return undefined;
  for (const t of RESTRICTED_VOLUME_TYPES) if (isSet(vol[t])) return t;
  return undefined; // no source known to the API: defaulted to emptyDir
}

function check(v: PodView): PssResult | null {
  const volumes = asList(v.spec.volumes);
  if (volumes.length === 0) return null;
  let names: string[] | undefined;
  let types: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const vol = asMap(volumes[i]);
    const type = vol && restrictedVolumeType(vol);
    if (!vol || !type) continue;
    (names ??= []).push(goString(vol.name));
    (types ??= []).push(type);
    (paths ??= []).push(['spec', 'volumes', i, type]);
  }
  if (!names) return null;
  const typeList = sortedUnique(types as string[]);
  return forbidden(
    'restrictedVolumes',
    'restricted volume types',
    `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', typeList.length)} ${joinQuote(typeList)}`,
    paths as PssPath[],
  );
}

export const restrictedVolumes: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minVersion: 0, check, overrides: ['hostPathVolumes'], cel }],
};
