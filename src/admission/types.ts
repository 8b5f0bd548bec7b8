/**
 * AdmissionReview v1 on the wire (admission.k8s.io/v1, k8s.io/api/admission/v1/types.go) and the
 * envelope check that turns untrusted bytes into a request the evaluator can trust in shape.
 * Only the envelope is validated here; the object inside is read defensively by the checks.
 */
import { asMap, isMap } from '../k8s/json.js';
import type { KubeObject } from '../load/types.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
const OPERATIONS = new Set<string>(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo: UserInfo;
  /** Null on DELETE (and CONNECT). */
  object: KubeObject | null;
  /** UPDATE and DELETE only. */
  oldObject: KubeObject | null;
  dryRun: boolean;
  options?: unknown;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of an RFC 6902 JSON Patch array. */
  patch?: string;
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** Why an envelope was refused: an HTTP status and a message safe to log (never payload text). */
export interface EnvelopeError {
  ok: false;
  status: 400;
  message: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function gvk(v: unknown): GroupVersionKind | undefined {
  const m = asMap(v);
  if (!m || typeof m.kind !== 'string' || !m.kind) return undefined;
  return { group: str(m.group) ?? '', version: str(m.version) ?? '', kind: m.kind };
}

function gvr(v: unknown): GroupVersionResource | undefined {
  const m = asMap(v);
  if (!m || typeof m.resource !== 'string') return undefined;
  return { group: str(m.group) ?? '', version: str(m.version) ?? '', resource: m.resource };
}

/** An object field that may be absent. */
function objOk(v: unknown): boolean {
  return v === undefined || v === null || isMap(v);
}

function fail(message: string): EnvelopeError {
  return { ok: false, status: 400, message };
}

/**
 * Validates a parsed AdmissionReview. Messages name the field at fault and never echo values
 * from the body (they are logged and may come from anyone who can reach the port).
 */
export function parseAdmissionReview(body: unknown): { ok: true; request: AdmissionRequest } | EnvelopeError {
  if (!isMap(body)) return fail('body must be a JSON object (an admission.k8s.io/v1 AdmissionReview)');
  if (body.kind !== 'AdmissionReview') return fail('kind must be "AdmissionReview"');
  if (body.apiVersion !== ADMISSION_API_VERSION) {
    return fail(`apiVersion must be "${ADMISSION_API_VERSION}" (register the webhook with admissionReviewVersions: ["v1"])`);
  }
  const r = asMap(body.request);
  if (!r) return fail('request is missing or not an object');
  const uid = str(r.uid);
  if (!uid) return fail('request.uid is missing or empty');
  if (uid.length > 256) return fail('request.uid is longer than 256 characters');
  const kind = gvk(r.kind);
  if (!kind) return fail('request.kind must be an object with a kind');
  const resource = gvr(r.resource);
  if (!resource) return fail('request.resource must be an object with a resource');
  const operation = str(r.operation);
  if (!operation || !OPERATIONS.has(operation)) return fail('request.operation must be one of CREATE, UPDATE, DELETE, CONNECT');
  if (!objOk(r.object)) return fail('request.object must be an object or null');
  if (!objOk(r.oldObject)) return fail('request.oldObject must be an object or null');
  if ((operation === 'CREATE' || operation === 'UPDATE') && !isMap(r.object)) return fail(`request.object is required for ${operation}`);
  if (operation === 'UPDATE' && !isMap(r.oldObject)) return fail('request.oldObject is required for UPDATE');
  const u = asMap(r.userInfo);
  const groups = Array.isArray(u?.groups) ? u.groups.filter((g): g is string => typeof g === 'string') : [];
  const extraMap = asMap(u?.extra);
  const extra: Record<string, string[]> = {};
  if (extraMap) for (const [k, v] of Object.entries(extraMap)) if (Array.isArray(v)) extra[k] = v.filter((x): x is string => typeof x === 'string');
  for (const f of ['name', 'namespace', 'subResource'] as const) {
    if (r[f] !== undefined && r[f] !== null && typeof r[f] !== 'string') return fail(`request.${f} must be a string`);
  }
  const request: AdmissionRequest = {
    uid,
    kind,
    resource,
    operation: operation as Operation,
    userInfo: { username: str(u?.username) ?? '', groups, ...(str(u?.uid) ? { uid: str(u?.uid) } : {}), ...(extraMap ? { extra } : {}) },
    object: isMap(r.object) ? (r.object as KubeObject) : null,
    oldObject: isMap(r.oldObject) ? (r.oldObject as KubeObject) : null,
    dryRun: r.dryRun === true,
  };
  const name = str(r.name);
  if (name) request.name = name;
  const namespace = str(r.namespace);
  if (namespace) request.namespace = namespace;
  const sub = str(r.subResource);
  if (sub) request.subResource = sub;
  const rk = gvk(r.requestKind);
  if (rk) request.requestKind = rk;
  const rr = gvr(r.requestResource);
  if (rr) request.requestResource = rr;
  const rsub = str(r.requestSubResource);
  if (rsub) request.requestSubResource = rsub;
  if (r.options !== undefined) request.options = r.options;
  return { ok: true, request };
}

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
