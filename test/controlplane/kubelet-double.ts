/**
 * A stand-in for a kubelet's HTTPS server, for the live-mode end-to-end test: no kubelet can run
 * here (it needs a container runtime), so this serves the one endpoint live mode reads, /configz,
 * with the kubelet's own answer format ({"kubeletconfig": {...}}) and the kubelet's own
 * authentication and authorization: a client certificate from a trusted CA (the API server's
 * --kubelet-client-certificate), or a bearer token checked with a TokenReview and authorized
 * with SubjectAccessReviews for nodes/configz, then nodes/proxy (KubeletFineGrainedAuthz order),
 * both answered by the real API server. Anything else gets 401 or 403, as from a kubelet.
 */
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Cluster } from '../cluster/index.js';

/** A non-loopback IPv4 address of this machine: the API server refuses to proxy to loopback nodes. */
export function nodeAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

export interface KubeletDouble {
  address: string;
  port: number;
  /** Requests served, with who made them and the answer. */
  requests: Array<{ path: string; user: string; code: number }>;
  close(): Promise<void>;
}

interface Review {
  status?: { authenticated?: boolean; allowed?: boolean; user?: { username?: string; groups?: string[] } };
}

export async function startKubeletDouble(c: Cluster, node: string, config: Record<string, unknown>, clientCaPem: string): Promise<KubeletDouble> {
  const address = nodeAddress();
  if (!address) throw new Error('no non-loopback IPv4 address on this machine: the API server does not proxy to loopback node addresses');
  const cert = await c.issueServingCert([address]);
  const requests: KubeletDouble['requests'] = [];
  const authorize = async (user: string, groups: string[], subresource: string): Promise<boolean> => {
    const r = await c.api('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, groups, resourceAttributes: { verb: 'get', resource: 'nodes', subresource, name: node } } },
    });
    return (r.json as Review).status?.allowed === true;
  };
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem, ca: clientCaPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void (async () => {
      const answer = (code: number, user: string, body: unknown) => {
        requests.push({ path: req.url ?? '', user, code });
        res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.url !== '/configz') return answer(404, '-', { message: 'not found' });
      const socket = req.socket as TLSSocket;
      if (socket.authorized) {
        const peer = socket.getPeerCertificate();
        return answer(200, `x509:${String(peer.subject?.CN)}`, { kubeletconfig: config });
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) return answer(401, 'anonymous', { message: 'Unauthorized' });
      const tr = await c.api('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
      const status = (tr.json as Review).status;
      if (!status?.authenticated) return answer(401, 'invalid token', { message: 'Unauthorized' });
      const user = status.user?.username ?? '';
      const groups = status.user?.groups ?? [];
      if ((await authorize(user, groups, 'configz')) || (await authorize(user, groups, 'proxy'))) return answer(200, user, { kubeletconfig: config });
      return answer(403, user, { message: `Forbidden (user=${user}, verb=get, resource=nodes, subresource(s)=[configz proxy])` });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as AddressInfo).port;
  // Register the node: the API server proxies nodes/<name>/proxy to its InternalIP and kubelet port.
  const created = await c.api('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: node } } });
  if (created.status !== 201) throw new Error(`creating node ${node}: ${created.status} ${created.body}`);
  await c.kubectl(['patch', 'node', node, '--subresource=status', '--type=merge', '-p', JSON.stringify({
    status: { addresses: [{ type: 'InternalIP', address }], daemonEndpoints: { kubeletEndpoint: { Port: port } }, nodeInfo: { kubeletVersion: 'v1.35.4' } },
  })]);
  return { address, port, requests, close: () => new Promise((r) => server.close(() => r())) };
}
