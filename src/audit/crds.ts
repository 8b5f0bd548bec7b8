/**
 * The CustomResourceDefinitions of the report kinds, for `audit install`: wgpolicyk8s.io/v1alpha2
 * PolicyReport/ClusterPolicyReport and openreports.io/v1alpha1 Report/ClusterReport, with the
 * schemas of the upstream API types (kubernetes-sigs/wg-policy-prototypes, openreports/reports-api:
 * same fields, enums, printer columns and short names; descriptions shortened).
 */
import { REPORT_APIS, type ReportApi } from './policy-report.js';

type Json = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };

const objectReference: Json = {
  type: 'object',
  'x-kubernetes-map-type': 'atomic',
  properties: { apiVersion: str, fieldPath: str, kind: str, name: str, namespace: str, resourceVersion: str, uid: str },
};

const labelSelector: Json = {
  type: 'object',
  'x-kubernetes-map-type': 'atomic',
  properties: {
    matchExpressions: {
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: { key: str, operator: str, values: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: str } },
      },
    },
    matchLabels: { type: 'object', additionalProperties: str },
  },
};

const RESULT_ENUM = ['pass', 'fail', 'warn', 'error', 'skip'];

const result: Json = {
  type: 'object',
  required: ['policy'],
  properties: {
    source: { type: 'string', description: 'The engine that produced the result.' },
    policy: { type: 'string', description: 'Name or identifier of the policy (kubeharden: the check id).' },
    rule: str,
    category: str,
    severity: { type: 'string', enum: ['critical', 'high', 'low', 'medium', 'info'] },
    timestamp: { type: 'object', required: ['nanos', 'seconds'], properties: { nanos: { type: 'integer', format: 'int32' }, seconds: { type: 'integer', format: 'int64' } } },
    result: { type: 'string', enum: RESULT_ENUM },
    scored: { type: 'boolean' },
    resources: { type: 'array', items: objectReference },
    resourceSelector: labelSelector,
    message: str,
    properties: { type: 'object', additionalProperties: str },
  },
};

const summary: Json = { type: 'object', properties: { error: int, fail: int, pass: int, skip: int, warn: int } };

const PRINTER_COLUMNS = [
  { jsonPath: '.scope.kind', name: 'Kind', priority: 1, type: 'string' },
  { jsonPath: '.scope.name', name: 'Name', priority: 1, type: 'string' },
  ...['pass', 'fail', 'warn', 'error', 'skip'].map((k) => ({ jsonPath: `.summary.${k}`, name: k[0].toUpperCase() + k.slice(1), type: 'integer' })),
  { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
];

function schema(api: ReportApi): Json {
  const properties: Json = {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    scope: objectReference,
    scopeSelector: labelSelector,
    summary,
    results: { type: 'array', items: result },
  };
  if (api === 'openreports') {
    properties.source = str;
    properties.configuration = {
      type: 'object',
      required: ['limits'],
      properties: { limits: { type: 'object', properties: { maxResults: int, statusFilter: { type: 'array', items: { type: 'string', enum: RESULT_ENUM } } } } },
    };
  }
  return { type: 'object', properties };
}

function crd(api: ReportApi, scope: 'Namespaced' | 'Cluster'): Json {
  const k = REPORT_APIS[api];
  const names = scope === 'Namespaced' ? k.namespaced : k.cluster;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.resource}.${k.group}`, labels: { 'app.kubernetes.io/part-of': 'kubeharden' } },
    spec: {
      group: k.group,
      names: { kind: names.kind, listKind: `${names.kind}List`, plural: names.resource, singular: names.kind.toLowerCase(), shortNames: [names.shortName] },
      scope,
      versions: [{ name: k.version, served: true, storage: true, additionalPrinterColumns: PRINTER_COLUMNS, schema: { openAPIV3Schema: schema(api) }, subresources: {} }],
    },
  };
}

/** The two CRDs of a report API (namespaced and cluster-scoped). */
export function reportCrds(api: ReportApi): Json[] {
  return [crd(api, 'Namespaced'), crd(api, 'Cluster')];
}
