import type { PodCheck } from '../../engine/types.js';
import { NSA_CISA } from '../_lib/references.js';
import { containerFinding, describeContainer } from '../_lib/pod.js';
import { portsOf } from '../_lib/ports.js';
import { cel } from './cel.js';

export const check: PodCheck = {
  scope: 'pod',
  meta: {
    id: 'CTR-SSH-PORT',
    title: 'Container exposes SSH',
    severity: 'low',
    category: 'network',
    attack: 'An SSH server in a container is a second way in that bypasses Kubernetes authentication, RBAC and audit logs (kubectl exec has all three); its keys or passwords are one more secret to steal or guess.',
    remediation: 'Remove the SSH server and the port; use kubectl exec or kubectl debug (with RBAC and audit) for interactive access. Git servers that must speak SSH should do so behind a dedicated, audited Service.',
    references: [NSA_CISA],
    peers: { kubeLinter: ['ssh-port'], kubescape: ['C-0042'] },
  },
  cel,
  *check(pod) {
    for (const c of pod.containers) {
      for (const p of portsOf(c)) {
        if (p.protocol.toUpperCase() !== 'TCP') continue;
        let field: 'containerPort' | 'hostPort' | 'name' | undefined;
        if (p.containerPort === 22) field = 'containerPort';
        else if (p.hostPort === 22) field = 'hostPort';
        else if (p.name?.toLowerCase() === 'ssh') field = 'name';
        if (!field) continue;
        const what = field === 'name' ? `a port named "${p.name}" (${p.containerPort ?? '?'}/TCP)` : field === 'hostPort' ? 'node port 22/TCP (hostPort)' : 'port 22/TCP';
        yield containerFinding(c, `${describeContainer(c)} exposes ${what}, the SSH port`, [...p.path, field]);
      }
    }
  },
};
