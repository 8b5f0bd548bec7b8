/**
 * Builds audit.k8s.io/v1 events the way kube-apiserver writes them, for the tests of the audit
 * readers and analyses (the e2e suite reads a real apiserver's log instead).
 */
import { randomUUID } from 'node:crypto';

export interface EventSpec {
  user: string;
  groups?: string[];
  impersonate?: { user: string; groups?: string[] };
  verb: string;
  resource?: string;
  apiGroup?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource URL (no objectRef). */
  path?: string;
  /** Default allow. 'none' leaves the annotation out. */
  decision?: 'allow' | 'forbid' | 'none';
  reason?: string;
  code?: number;
  message?: string;
  stage?: string;
  auditID?: string;
  time?: string;
  apiVersion?: string;
  requestObject?: unknown;
}

export function auditEvent(s: EventSpec): Record<string, unknown> {
  const decision = s.decision ?? 'allow';
  const annotations: Record<string, string> = {};
  if (decision !== 'none') annotations['authorization.k8s.io/decision'] = decision;
  if (s.reason !== undefined) annotations['authorization.k8s.io/reason'] = s.reason;
  const ev: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: s.apiVersion ?? 'audit.k8s.io/v1',
    level: s.requestObject === undefined ? 'Metadata' : 'Request',
    auditID: s.auditID ?? randomUUID(),
    stage: s.stage ?? 'ResponseComplete',
    requestURI: s.path ?? `/api/v1/${s.namespace ? `namespaces/${s.namespace}/` : ''}${s.resource ?? ''}${s.name ? `/${s.name}` : ''}`,
    verb: s.verb,
    user: { username: s.user, groups: s.groups ?? ['system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'kubectl/v1.35.4',
    responseStatus: { metadata: {}, code: s.code ?? (decision === 'forbid' ? 403 : 200), ...(s.message ? { message: s.message } : {}) },
    requestReceivedTimestamp: s.time ?? '2025-06-01T12:00:00.000000Z',
    stageTimestamp: s.time ?? '2025-06-01T12:00:00.001000Z',
    annotations,
  };
  if (s.impersonate) ev.impersonatedUser = { username: s.impersonate.user, groups: s.impersonate.groups ?? ['system:authenticated'] };
  if (!s.path) {
    ev.objectRef = {
      resource: s.resource ?? 'pods',
      ...(s.namespace ? { namespace: s.namespace } : {}),
      ...(s.name ? { name: s.name } : {}),
      apiGroup: s.apiGroup ?? '',
      apiVersion: 'v1',
      ...(s.subresource ? { subresource: s.subresource } : {}),
    };
  }
  if (s.requestObject !== undefined) ev.requestObject = s.requestObject;
  return ev;
}

export function jsonLines(events: ReadonlyArray<Record<string, unknown>>): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
