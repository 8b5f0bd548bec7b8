/**
 * Allowed connections, from `--allow FROM->TO:PORTS` arguments or a connectivity file.
 *
 * Endpoints:
 *   NAME            a workload (Deployment, StatefulSet, …) or Service in the input; the
 *                   first namespace that has it, or the given one
 *   NAMESPACE/NAME  the same, in that namespace
 *   ns:NAMESPACE    every pod of a namespace
 *   cidr:CIDR       addresses outside the cluster (ipBlock), e.g. cidr:10.0.0.0/8
 *   *               anything (from: any source; to: any destination)
 * PORTS: comma-separated PORT[/PROTOCOL]; PORT is a number or a named container port; the
 * protocol is TCP unless UDP or SCTP is given. The port is the destination pod's port; when
 * TO names a Service (alone, or besides a workload of the same name), a port of that Service is
 * translated to its targetPort.
 *
 * File (YAML), kind Connectivity:
 *   apiVersion: kubeharden.io/v1alpha1
 *   kind: Connectivity
 *   allow:
 *     - from: frontend
 *       to: cartservice
 *       ports: [7070]
 *     - "loadgenerator->frontend:8080"
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

export type Endpoint =
  | { type: 'any' }
  | { type: 'cidr'; cidr: string }
  | { type: 'namespace'; namespace: string }
  | { type: 'named'; namespace?: string; name: string };

export interface PortSpec {
  port: number | string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface AllowRule {
  from: Endpoint;
  to: Endpoint;
  ports: PortSpec[];
  /** How the user wrote it, for comments and messages. */
  source: string;
}

export class ConnectivityError extends Error {}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function parseEndpoint(s: string, where: string): Endpoint {
  const t = s.trim();
  if (t === '*') return { type: 'any' };
  if (t.startsWith('cidr:')) {
    const cidr = t.slice(5);
    if (!CIDR.test(cidr)) throw new ConnectivityError(`${where}: "${cidr}" is not a CIDR (e.g. 10.0.0.0/8)`);
    return { type: 'cidr', cidr };
  }
  if (t.startsWith('ns:')) {
    const namespace = t.slice(3);
    if (!DNS_LABEL.test(namespace)) throw new ConnectivityError(`${where}: "${namespace}" is not a namespace name`);
    return { type: 'namespace', namespace };
  }
  const parts = t.split('/');
  if (parts.length > 2) throw new ConnectivityError(`${where}: "${t}" is not NAME, NAMESPACE/NAME, ns:NAMESPACE, cidr:CIDR or *`);
  const [namespace, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (namespace !== undefined && !DNS_LABEL.test(namespace)) throw new ConnectivityError(`${where}: "${namespace}" is not a namespace name`);
  if (!DNS_SUBDOMAIN.test(name)) throw new ConnectivityError(`${where}: "${name}" is not a workload or Service name`);
  return { type: 'named', ...(namespace !== undefined ? { namespace } : {}), name };
}

export function parsePorts(s: string, where: string): PortSpec[] {
  const out: PortSpec[] = [];
  for (const raw of s.split(',')) {
    const t = raw.trim();
    if (!t) continue;
    const [p, proto = 'TCP'] = t.split('/');
    const protocol = proto.toUpperCase();
    if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') throw new ConnectivityError(`${where}: protocol "${proto}" is not TCP, UDP or SCTP`);
    let port: number | string;
    if (/^\d+$/.test(p)) {
      port = Number(p);
      if (port < 1 || port > 65535) throw new ConnectivityError(`${where}: port ${p} is outside 1-65535`);
    } else if (PORT_NAME.test(p) && p.length <= 15) {
      port = p;
    } else {
      throw new ConnectivityError(`${where}: "${p}" is not a port number or a container port name`);
    }
    out.push({ port, protocol });
  }
  if (out.length === 0) throw new ConnectivityError(`${where}: no port`);
  return out;
}

/** `FROM->TO:PORTS`. */
export function parseAllow(s: string, where = `--allow ${s}`): AllowRule {
  const arrow = s.indexOf('->');
  if (arrow < 0) throw new ConnectivityError(`${where}: expected FROM->TO:PORTS (e.g. frontend->cartservice:7070)`);
  const from = s.slice(0, arrow);
  const rest = s.slice(arrow + 2);
  const colon = rest.lastIndexOf(':');
  // `cidr:` and `ns:` contain a colon too: the ports are after the last one, and required.
  if (colon < 0 || /^(cidr|ns)$/.test(rest.slice(0, colon).trim())) throw new ConnectivityError(`${where}: a port is required (FROM->TO:PORT[/PROTOCOL][,...])`);
  return { from: parseEndpoint(from, where), to: parseEndpoint(rest.slice(0, colon), where), ports: parsePorts(rest.slice(colon + 1), where), source: s.trim() };
}

const portValue = z.union([z.number().int(), z.string()]);
const fileSchema = z
  .object({
    apiVersion: z.literal('kubeharden.io/v1alpha1'),
    kind: z.literal('Connectivity'),
    allow: z.array(
      z.union([
        z.string(),
        z
          .object({
            from: z.string(),
            to: z.string(),
            ports: z.array(portValue).min(1),
            protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
          })
          .strict(),
      ]),
    ),
  })
  .strict();

export function parseConnectivityText(text: string, file: string): AllowRule[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new ConnectivityError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConnectivityError(`${file}: not a kubeharden.io/v1alpha1 Connectivity file\n${lines.join('\n')}`);
  }
  return r.data.allow.map((a, i) => {
    const where = `${file}: allow[${i}]`;
    if (typeof a === 'string') return parseAllow(a, where);
    const ports = a.ports.map((p) => `${p}${a.protocol && !String(p).includes('/') ? `/${a.protocol}` : ''}`).join(',');
    return { from: parseEndpoint(a.from, where), to: parseEndpoint(a.to, where), ports: parsePorts(ports, where), source: `${a.from}->${a.to}:${ports}` };
  });
}

export function readConnectivityFile(file: string): AllowRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConnectivityError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConnectivityText(text, file);
}
