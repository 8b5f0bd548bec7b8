/**
 * One audit event (`audit.k8s.io/v1` Event) turned into what the RBAC analyses need: the
 * identity the request was authorized as, the request attributes exactly as the authorizer saw
 * them, and the authorization decision.
 *
 * - audit.k8s.io/v1beta1 events are accepted: every field used here has the same name and meaning
 *   in v1beta1 (it only adds the deprecated `timestamp`, used when `stageTimestamp` is absent), and
 *   kube-apiserver wrote v1beta1 by default (`--audit-log-version`) until 1.12, so archived logs of
 *   older clusters are still readable. audit.k8s.io/v1alpha1 (Kubernetes 1.7) is refused: its
 *   objectRef has no apiGroup and its events carry no authorization decision.
 * - The verb of an event is the authorizer's verb (list, watch and get stay apart; DELETE on a
 *   collection is `deletecollection`); for non-resource URLs it is the lower-cased HTTP method.
 * - `create` is authorized without a name (the object's name is in the body); the audit log fills
 *   objectRef.name from the body afterwards, so it is cleared again here, except for
 *   subresources (`pods/NAME/exec`), whose name is in the URL.
 * - The decision comes from the `authorization.k8s.io/decision` annotation. Without it (older
 *   servers, webhook backends that drop annotations) a 403 whose message is the authorizer's
 *   ("… cannot VERB resource …") counts as denied and any other response as allowed; a 403 from
 *   admission is still an authorized request.
 */
import { asMap, asString, asStringList } from '../k8s/json.js';
import type { RequestAttributes, UserInfo } from '../rbac/types.js';

export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';
export const REASON_ANNOTATION = 'authorization.k8s.io/reason';

export type Decision = 'allow' | 'forbid';

export interface AuditRequest {
  file: string;
  line: number;
  auditID: string;
  stage: string;
  /** ms since the epoch (stageTimestamp, else requestReceivedTimestamp, else timestamp); NaN when absent. */
  time: number;
  /** The identity the request was authorized as (the impersonated user when impersonating). */
  user: UserInfo;
  /** The authenticated user when it impersonated `user`. */
  impersonator?: UserInfo;
  attrs: RequestAttributes;
  decision: Decision;
  /** Where the decision came from. */
  decisionFrom: 'annotation' | 'status';
  /** authorization.k8s.io/reason, when present. */
  reason?: string;
  code?: number;
}

/** Why an event cannot be used; `error` ones make the command exit 2. */
export type EventProblem =
  | { kind: 'not-audit-event'; message: string; error: true }
  | { kind: 'unsupported-version'; message: string; error: true }
  | { kind: 'incomplete-event'; message: string; error: true }
  | { kind: 'request-received'; auditID: string; error: false }
  | { kind: 'unauthenticated'; error: false };

export const AUDIT_V1 = 'audit.k8s.io/v1';
export const AUDIT_V1BETA1 = 'audit.k8s.io/v1beta1';

function userInfo(v: unknown): UserInfo | undefined {
  const m = asMap(v);
  const name = asString(m?.username);
  if (!m || name === undefined) return undefined;
  return { name, groups: asStringList(m.groups) };
}

function timeOf(e: Record<string, unknown>): number {
  const t = asString(e.stageTimestamp) ?? asString(e.requestReceivedTimestamp) ?? asString(e.timestamp);
  return t === undefined ? NaN : Date.parse(t);
}

/** An authorizer denial message: `User "u" cannot get resource "pods" …` (RBAC and Node alike). */
const AUTHZ_DENIED = /\bcannot [a-z*]+ (?:resource|path) /;

function decisionOf(e: Record<string, unknown>, annotations: Record<string, unknown> | undefined, code: number | undefined): { decision: Decision; from: 'annotation' | 'status' } | undefined {
  const d = annotations?.[DECISION_ANNOTATION];
  if (d === 'allow') return { decision: 'allow', from: 'annotation' };
  if (d === 'forbid') return { decision: 'forbid', from: 'annotation' };
  if (code === undefined) return undefined;
  if (code === 403) {
    const msg = asString(asMap(e.responseStatus)?.message) ?? '';
    return { decision: AUTHZ_DENIED.test(msg) ? 'forbid' : 'allow', from: 'status' };
  }
  return { decision: 'allow', from: 'status' };
}

function attributesOf(e: Record<string, unknown>, verb: string): RequestAttributes | undefined {
  const ref = asMap(e.objectRef);
  const resource = asString(ref?.resource);
  if (ref && resource) {
    const subresource = asString(ref.subresource) ?? '';
    let name = asString(ref.name) ?? '';
    if (verb === 'create' && subresource === '') name = '';
    return { resourceRequest: true, verb, apiGroup: asString(ref.apiGroup) ?? '', resource, subresource, name, namespace: asString(ref.namespace) ?? '' };
  }
  const uri = asString(e.requestURI);
  if (uri === undefined) return undefined;
  const q = uri.indexOf('?');
  return { resourceRequest: false, verb, path: q < 0 ? uri : uri.slice(0, q) };
}

/**
 * The request of an audit event, or why it cannot be used. `kind` and `apiVersion` are checked
 * by the caller (lists are expanded there).
 */
export function requestOf(e: Record<string, unknown>, file: string, line: number): AuditRequest | EventProblem {
  const stage = asString(e.stage) ?? '';
  const auditID = asString(e.auditID) ?? '';
  const verb = asString(e.verb);
  const authenticated = userInfo(e.user);
  const code = asMap(e.responseStatus)?.code;
  const status = typeof code === 'number' ? code : undefined;
  if (status === 401) return { kind: 'unauthenticated', error: false };
  if (!verb || !authenticated || !auditID) {
    const missing = [!auditID && 'auditID', !verb && 'verb', !authenticated && 'user.username'].filter(Boolean).join(', ');
    return { kind: 'incomplete-event', message: `audit event without ${missing}`, error: true };
  }
  if (stage === 'RequestReceived') return { kind: 'request-received', auditID, error: false };
  const attrs = attributesOf(e, verb);
  if (!attrs) return { kind: 'incomplete-event', message: 'audit event with neither objectRef.resource nor requestURI', error: true };
  const annotations = asMap(e.annotations);
  const decided = decisionOf(e, annotations, status);
  if (!decided) return { kind: 'incomplete-event', message: `audit event at stage ${stage || '(none)'} without a decision annotation or response code`, error: true };
  const impersonated = userInfo(e.impersonatedUser);
  const r: AuditRequest = {
    file,
    line,
    auditID,
    stage,
    time: timeOf(e),
    user: impersonated ?? authenticated,
    attrs,
    decision: decided.decision,
    decisionFrom: decided.from,
  };
  if (impersonated) r.impersonator = authenticated;
  const reason = asString(annotations?.[REASON_ANNOTATION]);
  if (reason !== undefined) r.reason = reason;
  if (status !== undefined) r.code = status;
  return r;
}
