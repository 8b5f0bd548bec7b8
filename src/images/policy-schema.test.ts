import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withDefaults } from './policy.js';
import { parseImagePolicy } from './policy-schema.js';

describe('the image policy schema', () => {
  it('fills the same defaults as the code path the fixtures use', () => {
    const input = { vulnerabilities: { reports: ['r'] }, signatures: [{ images: ['x/**'], keys: ['k.pub'] }] };
    assert.deepEqual(parseImagePolicy(input), withDefaults(input));
    assert.deepEqual(parseImagePolicy({}), withDefaults({}));
  });

  it('names the field of every mistake, with a did-you-mean for unknown keys', () => {
    assert.throws(
      () => parseImagePolicy({ vulnerabilities: { failon: 'high', maxAge: '3 weeks' }, signatures: [{ images: [], keys: [] }], failMode: 'sometimes', registry: { timout: '1s' } }),
      (e: Error) => {
        const lines = e.message.split('\n');
        assert.equal(lines[0], 'images: invalid image policy');
        assert.ok(lines.includes('  images.vulnerabilities: unknown key "failon" (did you mean "failOn"?)'), e.message);
        assert.ok(lines.includes('  images.vulnerabilities.maxAge: a duration like 500ms, 2s, 5m, 1h or 7d'), e.message);
        assert.ok(lines.some((l) => l.startsWith('  images.signatures.0.keys: at least one public key')), e.message);
        assert.ok(lines.some((l) => l.startsWith('  images.failMode:')), e.message);
        assert.ok(lines.includes('  images.registry: unknown key "timout" (did you mean "timeout"?)'), e.message);
        return true;
      },
    );
  });

  it('an ignore entry and a VEX document need a reason and an expiry', () => {
    assert.throws(() => parseImagePolicy({ vulnerabilities: { ignore: [{ id: 'CVE-1', reason: ' ' }], vex: [{ file: 'v.json' }] } }), (e: Error) =>
      /images\.vulnerabilities\.ignore\.0\.reason: a reason is required/.test(e.message) && /images\.vulnerabilities\.ignore\.0\.expires/.test(e.message) && /images\.vulnerabilities\.vex\.0\.expires/.test(e.message),
    );
  });
});
