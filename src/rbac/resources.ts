/**
 * Offline stand-in for API discovery: the built-in resources of Kubernetes 1.34 with their groups,
 * scopes and short names, so `can-i create deployments` means `deployments.apps` as kubectl's
 * RESTMapper would resolve it. CRDs from the scanned input and live discovery can be added.
 */
export interface ResourceInfo {
  resource: string;
  group: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: string[];
  /** Not a stored type: a resource only RBAC and the API server's checks use (users, signers…). */
  virtual?: boolean;
}

type Row = [resource: string, group: string, namespaced: boolean, shortNames?: string[], singular?: string];

// Order matters where names collide: the first match wins (core `events` before events.k8s.io).
const ROWS: Row[] = [
  ['bindings', '', true],
  ['componentstatuses', '', false, ['cs']],
  ['configmaps', '', true, ['cm']],
  ['endpoints', '', true, ['ep'], 'endpoints'],
  ['events', '', true, ['ev']],
  ['limitranges', '', true, ['limits']],
  ['namespaces', '', false, ['ns']],
  ['nodes', '', false, ['no']],
  ['persistentvolumeclaims', '', true, ['pvc']],
  ['persistentvolumes', '', false, ['pv']],
  ['pods', '', true, ['po']],
  ['podtemplates', '', true],
  ['replicationcontrollers', '', true, ['rc']],
  ['resourcequotas', '', true, ['quota']],
  ['secrets', '', true],
  ['serviceaccounts', '', true, ['sa']],
  ['services', '', true, ['svc']],
  ['mutatingwebhookconfigurations', 'admissionregistration.k8s.io', false],
  ['validatingwebhookconfigurations', 'admissionregistration.k8s.io', false],
  ['validatingadmissionpolicies', 'admissionregistration.k8s.io', false],
  ['validatingadmissionpolicybindings', 'admissionregistration.k8s.io', false],
  ['mutatingadmissionpolicies', 'admissionregistration.k8s.io', false],
  ['mutatingadmissionpolicybindings', 'admissionregistration.k8s.io', false],
  ['customresourcedefinitions', 'apiextensions.k8s.io', false, ['crd', 'crds']],
  ['apiservices', 'apiregistration.k8s.io', false],
  ['controllerrevisions', 'apps', true],
  ['daemonsets', 'apps', true, ['ds']],
  ['deployments', 'apps', true, ['deploy']],
  ['replicasets', 'apps', true, ['rs']],
  ['statefulsets', 'apps', true, ['sts']],
  ['selfsubjectreviews', 'authentication.k8s.io', false],
  ['tokenreviews', 'authentication.k8s.io', false],
  ['localsubjectaccessreviews', 'authorization.k8s.io', true],
  ['selfsubjectaccessreviews', 'authorization.k8s.io', false],
  ['selfsubjectrulesreviews', 'authorization.k8s.io', false],
  ['subjectaccessreviews', 'authorization.k8s.io', false],
  ['horizontalpodautoscalers', 'autoscaling', true, ['hpa']],
  ['cronjobs', 'batch', true, ['cj']],
  ['jobs', 'batch', true],
  ['certificatesigningrequests', 'certificates.k8s.io', false, ['csr']],
  ['clustertrustbundles', 'certificates.k8s.io', false],
  ['leases', 'coordination.k8s.io', true],
  ['leasecandidates', 'coordination.k8s.io', true],
  ['endpointslices', 'discovery.k8s.io', true],
  ['events', 'events.k8s.io', true, ['ev']],
  ['flowschemas', 'flowcontrol.apiserver.k8s.io', false],
  ['prioritylevelconfigurations', 'flowcontrol.apiserver.k8s.io', false],
  ['ingressclasses', 'networking.k8s.io', false],
  ['ingresses', 'networking.k8s.io', true, ['ing']],
  ['networkpolicies', 'networking.k8s.io', true, ['netpol']],
  ['ipaddresses', 'networking.k8s.io', false, ['ip']],
  ['servicecidrs', 'networking.k8s.io', false],
  ['runtimeclasses', 'node.k8s.io', false],
  ['poddisruptionbudgets', 'policy', true, ['pdb']],
  ['clusterrolebindings', 'rbac.authorization.k8s.io', false],
  ['clusterroles', 'rbac.authorization.k8s.io', false],
  ['rolebindings', 'rbac.authorization.k8s.io', true],
  ['roles', 'rbac.authorization.k8s.io', true],
  ['deviceclasses', 'resource.k8s.io', false],
  ['resourceclaims', 'resource.k8s.io', true],
  ['resourceclaimtemplates', 'resource.k8s.io', true],
  ['resourceslices', 'resource.k8s.io', false],
  ['priorityclasses', 'scheduling.k8s.io', false, ['pc']],
  ['csidrivers', 'storage.k8s.io', false],
  ['csinodes', 'storage.k8s.io', false],
  ['csistoragecapacities', 'storage.k8s.io', true],
  ['storageclasses', 'storage.k8s.io', false, ['sc']],
  ['volumeattachments', 'storage.k8s.io', false],
  ['volumeattributesclasses', 'storage.k8s.io', false, ['vac']],
];

// Resources that exist only for authorization checks (impersonation, CSR signers).
const VIRTUAL: Row[] = [
  ['users', '', false],
  ['groups', '', false],
  ['uids', 'authentication.k8s.io', false],
  ['userextras', 'authentication.k8s.io', false],
  ['signers', 'certificates.k8s.io', false],
];

function singularOf(plural: string): string {
  if (plural.endsWith('ies')) return `${plural.slice(0, -3)}y`;
  if (plural.endsWith('sses') || plural.endsWith('xes')) return plural.slice(0, -2);
  if (plural.endsWith('s')) return plural.slice(0, -1);
  return plural;
}

export class ResourceCatalog {
  readonly #all: ResourceInfo[] = [];

  constructor(builtins = true) {
    if (builtins) {
      for (const [resource, group, namespaced, shortNames, singular] of ROWS)
        this.add({ resource, group, namespaced, shortNames: shortNames ?? [], singular: singular ?? singularOf(resource) });
      for (const [resource, group, namespaced] of VIRTUAL) this.add({ resource, group, namespaced, virtual: true, singular: singularOf(resource) });
    }
  }

  add(info: ResourceInfo): void {
    this.#all.push(info);
  }

  /** Adds the resources a CustomResourceDefinition object declares. */
  addCrd(crd: unknown): void {
    const c = crd as { spec?: { group?: unknown; scope?: unknown; names?: { plural?: unknown; singular?: unknown; shortNames?: unknown } } } | null;
    const spec = c?.spec;
    if (!spec || typeof spec.group !== 'string' || typeof spec.names?.plural !== 'string') return;
    const shortNames = Array.isArray(spec.names.shortNames) ? spec.names.shortNames.filter((s): s is string => typeof s === 'string') : [];
    this.add({
      resource: spec.names.plural,
      group: spec.group,
      namespaced: spec.scope !== 'Cluster',
      singular: typeof spec.names.singular === 'string' ? spec.names.singular : undefined,
      shortNames,
    });
  }

  get all(): readonly ResourceInfo[] {
    return this.#all;
  }

  /** Resolves `resource` or `resource.group` (kubectl lowercases it first). */
  resolve(arg: string): { info?: ResourceInfo; resource: string; group: string } {
    const lower = arg.toLowerCase();
    const dot = lower.indexOf('.');
    const name = dot < 0 ? lower : lower.slice(0, dot);
    let group: string | undefined = dot < 0 ? undefined : lower.slice(dot + 1);
    // resource.version.group (e.g. deployments.v1.apps): drop the version.
    if (group !== undefined) {
      const m = /^v\d+(?:(?:alpha|beta)\d+)?\.(.+)$/.exec(group);
      if (m) group = m[1];
    }
    const matches = (i: ResourceInfo): boolean => i.resource === name || i.singular === name || (i.shortNames ?? []).includes(name);
    const info = this.#all.find((i) => matches(i) && (group === undefined || i.group === group));
    if (info) return { info, resource: info.resource, group: info.group };
    return { resource: name, group: group ?? '' };
  }

  /** Is `resource` in `group` namespaced? undefined when unknown. */
  namespaced(resource: string, group: string): boolean | undefined {
    return this.#all.find((i) => i.resource === resource && i.group === group)?.namespaced;
  }
}
