/**
 * From `VERB RESOURCE[.GROUP][/NAME] | URL` (kubectl auth can-i syntax) to request attributes,
 * the way the API server would see the real request: resource names are resolved like kubectl's
 * RESTMapper (lowercase, short names, groups), cluster-scoped resources are requested without a
 * namespace, and a request on a Namespace object carries its own name as namespace (RequestInfo).
 */
import type { ResourceCatalog } from './resources.js';
import type { RequestAttributes } from './types.js';

export interface TargetOptions {
  subresource?: string;
  /** The namespace the request is made in ('' when --all-namespaces). */
  namespace: string;
  /** True when the namespace came from the user (-n), not a default. */
  namespaceExplicit?: boolean;
  catalog: ResourceCatalog;
}

export class RequestError extends Error {}

const SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy', 'status', 'scale', 'token', 'eviction', 'ephemeralcontainers', 'binding', 'approval', 'finalize', 'resize']);
const HTTP_VERBS = new Set(['get', 'put', 'post', 'head', 'options', 'delete', 'patch']);

export function parseTarget(verb: string, target: string, opts: TargetOptions): { attrs: RequestAttributes; warnings: string[] } {
  const warnings: string[] = [];
  if (!verb) throw new RequestError('a verb is required');
  if (target.startsWith('/')) {
    if (opts.subresource) throw new RequestError('--subresource cannot be used with a non-resource URL');
    if (!HTTP_VERBS.has(verb)) warnings.push(`verb '${verb}' is not a known verb for non-resource URLs (get, put, post, head, options, delete, patch)`);
    return { attrs: { resourceRequest: false, verb, path: target }, warnings };
  }
  const slash = target.indexOf('/');
  const typePart = slash < 0 ? target : target.slice(0, slash);
  const name = slash < 0 ? '' : target.slice(slash + 1);
  if (!typePart) throw new RequestError(`cannot read resource "${target}"`);
  if (name && !opts.subresource && SUBRESOURCES.has(name))
    warnings.push(`"${target}" names the object "${name}" (kubectl reads TYPE/NAME); for the subresource write: ${typePart} --subresource ${name}`);
  const r = opts.catalog.resolve(typePart);
  if (!r.info) warnings.push(`the resource type "${typePart}" is not known offline; checked as "${r.resource}" in API group "${r.group || 'core'}" (write RESOURCE.GROUP for custom resources)`);
  let namespace = opts.namespace;
  const namespaced = r.info ? r.info.namespaced : true;
  if (!namespaced) {
    if (r.resource === 'namespaces' && r.group === '') {
      // /api/v1/namespaces/NAME: RequestInfo sets the namespace to the name.
      namespace = name;
    } else {
      if (namespace && opts.namespaceExplicit) warnings.push(`resource '${r.resource}' is not namespace scoped: checked cluster-wide`);
      namespace = '';
    }
  }
  return {
    attrs: { resourceRequest: true, verb, apiGroup: r.group, resource: r.resource, subresource: opts.subresource ?? '', name, namespace },
    warnings,
  };
}
