import { processCheck } from '../../_lib/controlplane.js';
import { CIS_K8S, KCM_REF, KUBE_APISERVER_REF, NSA, SCHEDULER_REF } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';

/** The insecure serving flags: a port flag, and the address it listens on. */
const PORT_FLAGS = new Set(['insecure-port', 'port']);
const ADDRESS_FLAGS = new Set(['insecure-bind-address', 'address']);

export const check = processCheck(
  {
    id: 'CP-INSECURE-PORT',
    title: 'Control-plane component has an insecure HTTP port',
    severity: 'critical',
    category: 'control-plane',
    attack: 'The insecure port serves the API (or the component\'s endpoints) over plain HTTP with no authentication and no authorization: anyone who reaches it is cluster-admin. Current releases removed these flags and refuse to start with them.',
    remediation: 'Remove --insecure-port, --insecure-bind-address, --port and --address; use the secure port with authentication.',
    references: [KUBE_APISERVER_REF, KCM_REF, SCHEDULER_REF, NSA_CISA, CIS_K8S],
    peers: { checkov: ['CKV_K8S_88', 'CKV_K8S_89'], kubescape: ['C-0005'] },
    controls: { cis: ['v1.6:1.2.19', 'v1.6:1.2.20'], nsa: [NSA.controlPlane, NSA.anonymous] },
  },
  ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
  function* (p) {
    for (const prob of p.flags.problems) {
      if (prob.kind !== 'unknown-flag' || !prob.flag) continue;
      const old = p.minor !== undefined && p.minor < 24;
      if (PORT_FLAGS.has(prob.flag)) {
        const port = prob.value ?? '';
        if (old && port === '0') continue; // explicitly disabled on a release that still had it
        yield {
          message: old
            ? `--${prob.flag}=${port} serves ${p.component === 'kube-apiserver' ? 'the Kubernetes API' : p.component} over plain HTTP without authentication or authorization`
            : `--${prob.flag}${port ? `=${port}` : ''} is the insecure HTTP port: ${port && port !== '0' ? 'on a release that still has it, it serves without authentication or authorization; ' : ''}${p.component} v1.24 and later refuse to start with it`,
          path: prob.arg.path,
          severity: old || (port !== '' && port !== '0') ? 'critical' : 'high',
        };
      } else if (ADDRESS_FLAGS.has(prob.flag)) {
        yield { message: `--${prob.flag} sets the address of the insecure HTTP port${old ? '' : `, which ${p.component} v1.24 and later refuse to start with`}`, path: prob.arg.path, severity: 'high' };
      }
    }
  },
);
