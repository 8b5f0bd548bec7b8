/** Sources the cluster hygiene checks cite. */
import type { Reference } from '../../engine/types.js';

export const K8S_RELEASES: Reference = { title: 'Kubernetes releases and their end of life', url: 'https://kubernetes.io/releases/' };
export const PATCH_RELEASES: Reference = { title: 'Kubernetes patch releases', url: 'https://kubernetes.io/releases/patch-releases/' };
export const VERSION_SKEW: Reference = { title: 'Kubernetes version skew policy', url: 'https://kubernetes.io/releases/version-skew-policy/' };
export const LEGACY_TOKENS: Reference = { title: 'Legacy ServiceAccount token tracking and cleanup', url: 'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner' };
export const ANONYMOUS: Reference = { title: 'Kubernetes authentication: anonymous requests', url: 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests' };
export const WEBHOOK_FAILURE: Reference = { title: 'Dynamic admission control: failure policy', url: 'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy' };
export const DEPRECATED_API_METRIC: Reference = { title: 'Deprecated API migration: finding what still uses deprecated APIs', url: 'https://kubernetes.io/blog/2020/09/03/warnings/#deprecation-warnings' };
export const NODE_ADDRESSES: Reference = { title: 'Kubernetes Nodes: addresses', url: 'https://kubernetes.io/docs/reference/node/node-status/#addresses' };
