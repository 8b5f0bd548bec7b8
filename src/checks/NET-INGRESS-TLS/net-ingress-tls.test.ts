import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tlsHostCovers } from './index.js';

describe('NET-INGRESS-TLS host coverage', () => {
  it('matches exact hosts case-insensitively', () => {
    assert.ok(tlsHostCovers('Shop.Example.com', 'shop.example.com'));
    assert.ok(!tlsHostCovers('shop.example.com', 'api.example.com'));
  });
  it('lets a wildcard cover exactly one label', () => {
    assert.ok(tlsHostCovers('*.example.com', 'api.example.com'));
    assert.ok(!tlsHostCovers('*.example.com', 'v2.api.example.com'));
    assert.ok(!tlsHostCovers('*.example.com', 'example.com'));
    assert.ok(tlsHostCovers('*.example.com', '*.example.com'));
  });
});
