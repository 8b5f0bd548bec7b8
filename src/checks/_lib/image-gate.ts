/**
 * How the image checks (IMG-VULN, IMG-VULN-REPORT, IMG-SIGNATURE) reach the image gate: the
 * setting `images`, holding either a compiled ImageGate (what `kubeharden scan`, the webhook and
 * `images prefetch` pass, after fetching registry evidence) or a policy object (fixtures, code),
 * compiled when the run is prepared, with the policy's paths relative to the working directory
 * and no registry access. Without it the checks report nothing: they are inert until an image
 * policy is configured.
 */
import type { Reference, SettingSpec, SettingsOf } from '../../engine/types.js';
import { ImageGate } from '../../images/gate.js';
import type { ImagePolicyInput } from '../../images/policy.js';

const IMAGES_SETTING: SettingSpec<ImageGate | undefined> = {
  description: 'the image policy: the images: section of .kubeharden.yaml (kubeharden scan and the webhook compile it with registry evidence; --image-* flags)',
  default: undefined,
  parse(raw) {
    if (raw instanceof ImageGate) return raw;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('must be an image policy (the images: section of .kubeharden.yaml)');
    const gate = new ImageGate(raw as ImagePolicyInput, { offline: true });
    if (gate.errors.length) throw new Error(`is not a valid image policy: ${gate.errors.map((e) => `${e.file}${e.line ? `:${e.line}:${e.column}` : ''}: ${e.message}`).join('; ')}`);
    return gate;
  },
};

/** The settings the image checks read. */
export const IMAGE_SETTINGS = { images: IMAGES_SETTING };

export function imageGateOf(settings: SettingsOf<typeof IMAGE_SETTINGS>): ImageGate | undefined {
  return settings.images;
}

export const SIGSTORE_VERIFY: Reference = { title: 'Sigstore: verifying signatures with cosign', url: 'https://docs.sigstore.dev/cosign/verifying/verify/' };
export const K8S_VERIFY_SIGNED: Reference = { title: 'Kubernetes: verify signed Kubernetes artifacts (and enforce signatures at admission)', url: 'https://kubernetes.io/docs/tasks/administer-cluster/verify-signed-artifacts/' };
export const TRIVY_JSON: Reference = { title: 'Trivy: JSON report format', url: 'https://trivy.dev/latest/docs/configuration/reporting/#json' };
export const OPENVEX: Reference = { title: 'OpenVEX specification', url: 'https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md' };
