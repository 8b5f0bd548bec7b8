import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDeprecatedApis } from './probe.js';

test('apiserver_requested_deprecated_apis: series set to 1, labels unescaped, duplicates once', () => {
  const text = [
    '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.',
    '# TYPE apiserver_requested_deprecated_apis gauge',
    'apiserver_requested_deprecated_apis{group="resource.k8s.io",removed_release="1.38",resource="deviceclasses",subresource="",version="v1beta1"} 1',
    'apiserver_requested_deprecated_apis{group="",removed_release="",resource="componentstatuses",subresource="",version="v1"} 1',
    'apiserver_requested_deprecated_apis{group="x\\"y",removed_release="",resource="r",subresource="status",version="v1"} 0',
    'apiserver_requested_deprecated_apis{group="resource.k8s.io",removed_release="1.38",resource="deviceclasses",subresource="",version="v1beta1"} 1',
    'apiserver_request_total{code="200"} 5',
  ].join('\n');
  assert.deepEqual(parseDeprecatedApis(text), [
    { group: 'resource.k8s.io', version: 'v1beta1', resource: 'deviceclasses', subresource: '', removedRelease: '1.38' },
    { group: '', version: 'v1', resource: 'componentstatuses', subresource: '', removedRelease: '' },
  ]);
});
