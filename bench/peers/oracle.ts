/**
 * The reference verdict of each catalogue check on one object, written from the Pod Security
 * Standards (k8s.io/pod-security-admission policy/check_*.go) and Kubernetes API semantics,
 * independently of kubeharden's code. The agreement report uses it to say whose verdict is right.
 *
 * Conventions (PSA's): "all containers" = containers, initContainers and ephemeralContainers; a
 * container-only field is read from the container; an inherited field is the container's value,
 * else the pod's; pods with spec.os.name=windows are exempt from the restricted Linux controls.
 * A check without an oracle here is reported as "unjudged".
 */
import { asList, asMap, type ContainerInfo, type CorpusObject, type JsonMap, type PodInfo } from './corpus.js';

export interface Truth {
  fail: boolean;
  /** Failing containers; '' for a pod-level failure. */
  containers: string[];
  /** Why, in a few words (e.g. 'initContainer "setup" unset'). */
  why: string[];
}

type Oracle = (o: CorpusObject) => Truth | undefined;

const sc = (c: ContainerInfo): JsonMap | undefined => asMap(c.spec.securityContext);
const psc = (p: PodInfo): JsonMap | undefined => asMap(p.spec.securityContext);
export const isWindows = (p: PodInfo): boolean => asMap(p.spec.os)?.name === 'windows';

/** Container value of an inherited field, else the pod's. */
export function effective(p: PodInfo, c: ContainerInfo, field: string): { value: unknown; from: 'container' | 'pod' | 'unset' } {
  const cv = sc(c)?.[field];
  if (cv !== undefined && cv !== null) return { value: cv, from: 'container' };
  const pv = psc(p)?.[field];
  if (pv !== undefined && pv !== null) return { value: pv, from: 'pod' };
  return { value: undefined, from: 'unset' };
}

export const label = (c: ContainerInfo): string => `${c.kind === 'containers' ? 'container' : c.kind === 'initContainers' ? 'initContainer' : 'ephemeralContainer'} "${c.name}"`;

function perContainer(o: CorpusObject, bad: (p: PodInfo, c: ContainerInfo) => string | undefined, exemptWindows = false): Truth | undefined {
  const p = o.pod;
  if (!p) return undefined;
  if (exemptWindows && isWindows(p)) return { fail: false, containers: [], why: ['Windows pod (exempt)'] };
  const t: Truth = { fail: false, containers: [], why: [] };
  for (const c of p.containers) {
    const why = bad(p, c);
    if (why !== undefined) {
      t.fail = true;
      t.containers.push(c.name);
      t.why.push(`${label(c)}: ${why}`);
    }
  }
  return t;
}

function podField(field: string): Oracle {
  return (o) => {
    if (!o.pod) return undefined;
    const v = o.pod.spec[field];
    return v === true ? { fail: true, containers: [''], why: [`spec.${field}: true`] } : { fail: false, containers: [], why: [] };
  };
}

/** Image reference without a tag or with :latest, and no digest. */
export function imageTagProblem(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'no tag';
  return image.slice(colon + 1) === 'latest' ? ':latest' : undefined;
}

const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

export const ORACLES: Record<string, Oracle> = {
  'POD-HOST-NETWORK': podField('hostNetwork'),
  'POD-HOST-PID': podField('hostPID'),
  'POD-HOST-IPC': podField('hostIPC'),
  'CTR-PRIVILEGED': (o) => perContainer(o, (_p, c) => (sc(c)?.privileged === true ? 'privileged: true' : undefined)),
  // PSS restricted allowPrivilegeEscalation: must be explicitly false; Windows pods exempt (1.25+).
  'CTR-PRIV-ESC': (o) =>
    perContainer(
      o,
      (_p, c) => {
        const v = sc(c)?.allowPrivilegeEscalation;
        return v === false ? undefined : v === true ? 'allowPrivilegeEscalation: true' : 'allowPrivilegeEscalation unset';
      },
      true,
    ),
  // Catalogue: effective runAsNonRoot true, or a numeric runAsUser > 0 (a non-zero UID cannot be root).
  'CTR-RUN-AS-NON-ROOT': (o) =>
    perContainer(o, (p, c) => {
      const nr = effective(p, c, 'runAsNonRoot');
      if (nr.value === true) return undefined;
      const u = effective(p, c, 'runAsUser');
      if (typeof u.value === 'number' && u.value > 0) return undefined;
      return nr.value === false ? `runAsNonRoot: false (${nr.from})` : `runAsNonRoot unset and runAsUser ${u.value === undefined ? 'unset' : String(u.value)}`;
    }),
  'CTR-RO-ROOTFS': (o) => perContainer(o, (_p, c) => (sc(c)?.readOnlyRootFilesystem === true ? undefined : `readOnlyRootFilesystem ${sc(c)?.readOnlyRootFilesystem === false ? 'false' : 'unset'}`), true),
  // PSS restricted capabilities: drop must contain the exact string "ALL"; Windows pods exempt.
  'CTR-CAPS-DROP-ALL': (o) =>
    perContainer(
      o,
      (_p, c) => {
        const drop = asList(asMap(sc(c)?.capabilities)?.drop).filter((x): x is string => typeof x === 'string');
        if (drop.includes('ALL')) return undefined;
        const lower = drop.find((d) => d.toUpperCase() === 'ALL');
        return lower ? `drop: [${lower}] (not the exact "ALL")` : drop.length ? `drop: [${drop.join(', ')}] without ALL` : 'no capabilities.drop';
      },
      true,
    ),
  // PSS restricted seccomp (1.19+): effective seccompProfile.type RuntimeDefault or Localhost for every container; annotations do not count.
  'POD-SECCOMP': (o) =>
    perContainer(
      o,
      (p, c) => {
        const r = effective(p, c, 'seccompProfile');
        const t = asMap(r.value)?.type;
        if (typeof t === 'string' && SECCOMP_OK.has(t)) return undefined;
        return t === undefined ? 'seccompProfile unset' : `seccompProfile.type ${String(t)} (${r.from})`;
      },
      true,
    ),
  'IMG-TAG': (o) =>
    perContainer(o, (_p, c) => {
      const img = c.spec.image;
      return typeof img === 'string' ? imageTagProblem(img) : undefined;
    }),
};

export function truthOf(check: string, o: CorpusObject | undefined): Truth | undefined {
  const f = ORACLES[check] as Oracle | undefined;
  return f && o ? f(o) : undefined;
}
