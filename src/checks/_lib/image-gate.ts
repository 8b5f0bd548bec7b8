/**
 * How the image checks (IMG-VULN, IMG-VULN-REPORT, IMG-SIGNATURE) reach the image gate: the
 * setting `images`, holding either a compiled ImageGate (what `kubeharden scan`, the webhook and
 * `images prefetch` pass, after fetching registry evidence) or a policy object (fixtures, code):
 * compiled once per object, with the policy's paths relative to the working directory and no
 * registry access. Without it the checks report nothing: they are inert until an image policy
 * is configured.
 */
import type { Reference } from '../../engine/types.js';
import { ImageGate } from '../../images/gate.js';
import type { ImagePolicyInput } from '../../images/policy.js';

export const IMAGES_SETTING = 'images';

const compiled = new WeakMap<object, ImageGate>();

export function imageGateOf(settings: Readonly<Record<string, unknown>>): ImageGate | undefined {
  const v = settings[IMAGES_SETTING];
  if (v === undefined || v === null) return undefined;
  if (v instanceof ImageGate) return v;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('setting "images" must be an image policy (the images: section of .kubeharden.yaml)');
  let gate = compiled.get(v);
  if (!gate) {
    gate = new ImageGate(v as ImagePolicyInput, { offline: true });
    if (gate.errors.length) throw new Error(`image policy: ${gate.errors.map((e) => `${e.file}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}`).join('; ')}`);
    compiled.set(v, gate);
  }
  return gate;
}

export const SIGSTORE_VERIFY: Reference = { title: 'Sigstore: verifying signatures with cosign', url: 'https://docs.sigstore.dev/cosign/verifying/verify/' };
export const K8S_VERIFY_SIGNED: Reference = { title: 'Kubernetes: verify signed Kubernetes artifacts (and enforce signatures at admission)', url: 'https://kubernetes.io/docs/tasks/administer-cluster/verify-signed-artifacts/' };
export const TRIVY_JSON: Reference = { title: 'Trivy: JSON report format', url: 'https://trivy.dev/latest/docs/configuration/reporting/#json' };
export const OPENVEX: Reference = { title: 'OpenVEX specification', url: 'https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md' };
