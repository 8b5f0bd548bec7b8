import type { ObjectCheck, RawFinding } from '../../engine/types.js';
import { asList, asMap, asString } from '../../k8s/json.js';
import { isPrivateAddress } from '../_lib/ip.js';
import { NODE_ADDRESSES } from '../_lib/cluster-references.js';
import { NSA_CISA } from '../_lib/references.js';

export const check: ObjectCheck = {
  scope: 'object',
  kinds: ['Node'],
  meta: {
    id: 'CLU-NODE-PUBLIC-IP',
    title: 'Node has a public IP address',
    severity: 'medium',
    category: 'cluster',
    attack: 'A node reachable from the internet exposes its kubelet (10250), NodePorts, hostPort and hostNetwork services and SSH directly; one misconfigured port or a kubelet that allows anonymous access is then an open door to every pod on the node.',
    remediation: 'Run nodes on private subnets without external addresses; publish services through load balancers or ingress, and reach nodes through a bastion or the cloud console.',
    references: [NODE_ADDRESSES, NSA_CISA],
    peers: {},
  },
  cel: { form: 'unsupported', reason: 'it judges the addresses nodes report in their status, which the kubelet writes, not a user' },
  *check(o) {
    const addresses = asList(asMap(o.object.status)?.addresses);
    const out: RawFinding[] = [];
    addresses.forEach((a, i) => {
      const m = asMap(a);
      const type = asString(m?.type);
      const ip = asString(m?.address);
      if (!ip || (type !== 'ExternalIP' && type !== 'InternalIP') || isPrivateAddress(ip)) return;
      out.push({
        message: type === 'ExternalIP' ? `Node "${o.name}" has the public address ${ip} (ExternalIP)` : `Node "${o.name}" has the InternalIP ${ip}, which is not a private address: the node is on a public network`,
        path: ['status', 'addresses', i],
      });
    });
    yield* out;
  },
};
