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

export const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'] as const;

/** In the order of the upstream switch. */
const RESTRICTED_VOLUME_TYPES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder',
  'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
] as const;

function allowed(vol: JsonMap): boolean {
  for (let k = 0; k < ALLOWED_VOLUME_TYPES.length; k++) if (isSet(vol[ALLOWED_VOLUME_TYPES[k]])) return true;
  for (let k = 0; k < RESTRICTED_VOLUME_TYPES.length; k++) if (isSet(vol[RESTRICTED_VOLUME_TYPES[k]])) return false;
  return true; // no source known to the API: defaulted to emptyDir
}

function check(v: PodView): PssResult | null {
  const volumes = asList(v.spec.volumes);
  if (volumes.length === 0) return null;
  let names: string[] | undefined;
  let types: string[] | undefined;
  let paths: PssPath[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const vol = asMap(volumes[i]);
    if (!vol || allowed(vol)) continue;
    (names ??= []).push(goString(vol.name));
    const type = RESTRICTED_VOLUME_TYPES.find((t) => isSet(vol[t])) as string;
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
  versions: [{ minVersion: 0, check, overrides: ['hostPathVolumes'] }],
};
