/**
 * Which custom resources can carry pod templates (Argo Rollouts, Knative Services, OpenKruise
 * CloneSets…): those whose CRD schema has containers where pod specs sit, and those whose schema
 * leaves that part open (x-kubernetes-preserve-unknown-fields, or a CRD without a real schema):
 * their objects are listed and kept only if a pod spec is found in them by shape.
 */

type Json = Record<string, unknown>;

export interface PodTemplateResource {
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  /** The schema does not say; objects are kept only when one turns out to have a pod spec. */
  opaque: boolean;
}

function map(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function prop(schema: Json | undefined, name: string): Json | undefined {
  return map(map(schema?.properties)?.[name]);
}

function open(schema: Json | undefined): boolean {
  return schema === undefined || schema['x-kubernetes-preserve-unknown-fields'] === true || (schema.type === 'object' && schema.properties === undefined && schema.additionalProperties === undefined);
}

/** Where a pod spec sits, as property paths (k8s/pod-spec.ts SHAPES). */
const SHAPES = [['spec'], ['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec'], ['template', 'spec']];

/** 'yes' when a shape has containers, 'open' when the schema stops being specific on the way, else 'no'. */
function podSpecIn(root: Json | undefined): 'yes' | 'open' | 'no' {
  let sawOpen = false;
  for (const shape of SHAPES) {
    let node = root;
    let openHere = false;
    for (const step of shape) {
      if (open(node)) {
        openHere = true;
        break;
      }
      node = prop(node, step);
      if (!node) break;
    }
    if (openHere) sawOpen = true;
    else if (node && (prop(node, 'containers') || open(node))) return prop(node, 'containers') ? 'yes' : 'open';
  }
  return sawOpen ? 'open' : 'no';
}

/** The custom resources to list for pod templates, from the cluster's CRDs. */
export function podTemplateResources(crds: readonly Json[]): PodTemplateResource[] {
  const out: PodTemplateResource[] = [];
  for (const crd of crds) {
    const spec = map(crd.spec);
    const names = map(spec?.names);
    const group = typeof spec?.group === 'string' ? spec.group : '';
    const plural = typeof names?.plural === 'string' ? names.plural : '';
    const kind = typeof names?.kind === 'string' ? names.kind : '';
    if (!group || !plural || !kind) continue;
    const versions = Array.isArray(spec?.versions) ? spec.versions.map(map).filter((v): v is Json => v !== undefined && v.served !== false) : [];
    // Any served version decides: schemas of one resource agree on where templates are.
    let verdict: 'yes' | 'open' | 'no' = 'no';
    for (const v of versions) {
      const root = map(map(v.schema)?.openAPIV3Schema) ?? map(map(spec?.validation)?.openAPIV3Schema);
      const found = podSpecIn(root);
      if (found === 'yes') {
        verdict = 'yes';
        break;
      }
      if (found === 'open') verdict = 'open';
    }
    if (versions.length === 0) verdict = 'open';
    if (verdict === 'no') continue;
    out.push({ group, resource: plural, kind, namespaced: spec?.scope !== 'Cluster', opaque: verdict === 'open' });
  }
  return out;
}
