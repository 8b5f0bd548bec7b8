import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectNamed, detectValue, isPlaceholder, nameSensitivity, nameWords, scanText, shannonEntropy } from './secrets.js';

describe('secret detector', () => {
  it('splits names into words', () => {
    assert.deepEqual(nameWords('AWS_SECRET_ACCESS_KEY'), ['aws', 'secret', 'access', 'key']);
    assert.deepEqual(nameWords('dbPassword'), ['db', 'password']);
    assert.deepEqual(nameWords('spring.datasource.password'), ['spring', 'datasource', 'password']);
    assert.deepEqual(nameWords('OAuthToken'), ['o', 'auth', 'token']);
  });

  it('rates names', () => {
    assert.equal(nameSensitivity('DB_PASSWORD')?.level, 'strong');
    assert.equal(nameSensitivity('GITHUB_TOKEN')?.level, 'strong');
    assert.equal(nameSensitivity('stripeApiKey')?.level, 'strong');
    assert.equal(nameSensitivity('ENCRYPTION_KEY')?.level, 'strong');
    assert.equal(nameSensitivity('LICENSE_KEY')?.level, 'strong');
    assert.equal(nameSensitivity('CACHE_KEY')?.level, 'weak');
    // Names that describe a secret instead of holding it.
    for (const n of ['PASSWORD_FILE', 'SECRET_NAME', 'TOKEN_TTL', 'PASSWORD_MIN_LENGTH', 'ENABLE_TOKEN_AUTH', 'PUBLIC_KEY', 'bearer_token_file', 'AUTH_TYPE', 'AWS_ACCESS_KEY_ID', 'LOG_LEVEL']) {
      assert.equal(nameSensitivity(n), undefined, n);
    }
  });

  it('recognises placeholders', () => {
    for (const v of ['', '$(DB_PASSWORD)', '${TOKEN}', '$TOKEN', '{{ .Values.password }}', '<your-token>', 'changeme', 'CHANGE_ME', 'xxxxxxxx', '********', 'AKIAIOSFODNN7EXAMPLE', 'null', 'replace-me']) {
      assert.ok(isPlaceholder(v), v);
    }
    for (const v of ['hunter2', 'S3cr3t!', 'minio123']) assert.ok(!isPlaceholder(v), v);
  });

  it('computes Shannon entropy', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('ab'), 1);
    assert.ok(shannonEntropy('8fK2pQ9zL4mX7vB1nR6tY3wC5hJ0gD2s') > 4.5);
  });

  it('detects credential formats whatever the name', () => {
    assert.match(detectValue('AKIAZ7QW3ER5TY2UI8OP')?.reason ?? '', /AWS access key/);
    assert.match(detectValue('-----BEGIN OPENSSH PRIVATE KEY-----\nabc')?.reason ?? '', /private key/);
    assert.match(detectValue('token ghp_Zk3mQ8vN2pL5rT9wX1yB4cD7fG0hJ6kA3sE8 here')?.reason ?? '', /GitHub/);
    assert.match(detectValue('xoxb-123456789012-abcdefghij')?.reason ?? '', /Slack/);
    assert.match(detectValue('sk_live_abcdefghijklmnop1234')?.reason ?? '', /Stripe/);
    assert.match(detectValue('mysql://root:t0pS3cret@db:3306/app')?.reason ?? '', /URL with an embedded password/);
    assert.equal(detectValue('mysql://root:${DB_PASSWORD}@db:3306/app'), undefined);
    assert.equal(detectValue('-----BEGIN CERTIFICATE-----'), undefined);
    assert.equal(detectValue('https://example.com/path'), undefined);
  });

  it('recognises every credential format past its one-regex prefilter', () => {
    // One made-up sample per pattern (no real credential): the prefilter must let each through.
    const samples: Array<[string, RegExp]> = [
      ['-----BEGIN RSA PRIVATE KEY-----', /PEM private key/],
      ['ASIAZ7QW3ER5TY2UI8OP', /AWS access key/],
      ['ghs_Zk3mQ8vN2pL5rT9wX1yB4cD7fG0hJ6kA3sE8', /GitHub token/],
      ['github_pat_11ABCDEFG0123456789_abcdefghijkl', /fine-grained/],
      ['glpat-Zk3mQ8vN2pL5rT9wX1yB', /GitLab/],
      ['xoxp-123456789012-abcdefghij', /Slack token/],
      ['https://hooks.slack.com/services/T0123ABC/B0123ABC/Zk3mQ8vN2pL5rT9w', /Slack webhook/],
      ['rk_test_abcdefghijklmnop1234', /Stripe test/],
      ['AIzaSyZk3mQ8vN2pL5rT9wX1yB4cD7fG0hJ6kAq', /Google API key/],
      ['SG.Zk3mQ8vN2pL5rT9wX1yB4c.Zk3mQ8vN2pL5rT9wX1yB4cD7fG0hJ6kA3sE8Zk3mQ8v', /SendGrid/],
      ['npm_Zk3mQ8vN2pL5rT9wX1yB4cD7fG0hJ6kA3sE8', /npm access token/],
      ['sk-ant-api03-Zk3mQ8vN2pL5rT9wX1yB4cD7fG0hJ6kA3sE8Zk3mQ8vN2pL5', /Anthropic/],
      ['sk-proj-Zk3mQ8vN2pL5rT9wXT3BlbkFJZk3mQ8vN2pL5rT9wX', /OpenAI/],
      ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.Zk3mQ8vN2pL5rT9wX1yB4c', /JWT/],
      ['amqp://guest:Zk3mQ8vN2p@rabbit:5672', /URL with an embedded password/],
    ];
    for (const [value, reason] of samples) assert.match(detectValue(value)?.reason ?? 'missed', reason, value.slice(0, 12));
  });

  it('combines names and values', () => {
    assert.ok(detectNamed('MYSQL_ROOT_PASSWORD', 'c-krit'));
    assert.equal(detectNamed('MYSQL_ROOT_PASSWORD', '$(ROOT_PW)'), undefined);
    assert.equal(detectNamed('TOKEN_TTL', '3600'), undefined);
    assert.equal(detectNamed('API_TOKEN', '/var/run/secrets/token'), undefined);
    assert.equal(detectNamed('OIDC_TOKEN', 'https://issuer.example.com'), undefined);
    assert.equal(detectNamed('REQUEST_TIMEOUT', '30s'), undefined);
    // Weak names need entropy.
    assert.equal(detectNamed('CACHE_KEY', 'sessions'), undefined);
    assert.ok(detectNamed('SIGNATURE_SEED_KEY', '8fK2pQ9zL4mX7vB1nR6tY3wC5hJ0gD2s'));
  });

  it('never includes the value in the reason', () => {
    const hit = detectNamed('DB_PASSWORD', 'hunter2-prod');
    assert.ok(hit);
    assert.ok(!hit.reason.includes('hunter2'));
    const url = detectValue('postgres://app:S3cr3tPassw0rd@db:5432/app');
    assert.ok(url && !url.reason.includes('S3cr3t'));
  });

  it('scans configuration files line by line', () => {
    const text = ['server.port=8080', 'db.password=Sup3rS3cret!', 'db.password_file=/etc/pw', 'token: ${TOKEN}', 'export API_KEY="k3yV4lu3-123"', '"clientSecret": "abcDEF123456"'].join('\n');
    const hits = scanText(text);
    assert.deepEqual(hits.map((h) => h.line), [2, 5, 6]);
    assert.equal(hits[0].name, 'db.password');
    assert.equal(scanText('password_encryption = scram-sha-256\nssl = on').length, 0);
  });
});
