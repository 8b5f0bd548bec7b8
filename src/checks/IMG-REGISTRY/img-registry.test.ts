import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizedImageName, registryEntryMatches } from './index.js';

describe('IMG-REGISTRY matching', () => {
  it('normalises Docker Hub names', () => {
    assert.deepEqual(normalizedImageName('nginx'), { host: 'docker.io', name: 'docker.io/library/nginx' });
    assert.deepEqual(normalizedImageName('index.docker.io/bitnami/redis:7'), { host: 'docker.io', name: 'docker.io/bitnami/redis' });
    assert.deepEqual(normalizedImageName('GHCR.io/org/app@sha256:abc'), { host: 'ghcr.io', name: 'ghcr.io/org/app' });
    assert.deepEqual(normalizedImageName('localhost:5000/app:1'), { host: 'localhost:5000', name: 'localhost:5000/app' });
  });

  it('matches hosts, wildcards and repository prefixes at path boundaries', () => {
    const img = normalizedImageName('ghcr.io/my-org/app:1.0');
    assert.ok(registryEntryMatches('ghcr.io', img));
    assert.ok(registryEntryMatches('ghcr.io/my-org', img));
    assert.ok(registryEntryMatches('ghcr.io/my-org/', img));
    assert.ok(!registryEntryMatches('ghcr.io/my', img));
    assert.ok(!registryEntryMatches('ghcr.io/my-org', normalizedImageName('ghcr.io/my-org-evil/app')));
    assert.ok(registryEntryMatches('*.azurecr.io', normalizedImageName('team.azurecr.io/api:2')));
    assert.ok(!registryEntryMatches('*.azurecr.io', normalizedImageName('azurecr.io.evil.com/api:2')));
    assert.ok(registryEntryMatches('docker.io', normalizedImageName('nginx:1.27')));
    assert.ok(registryEntryMatches('index.docker.io/library', normalizedImageName('nginx:1.27')));
    assert.ok(registryEntryMatches('https://quay.io', normalizedImageName('quay.io/x/y')));
  });
});
