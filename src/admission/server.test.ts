/**
 * The webhook server over real loopback TLS: reviews, bad input, limits, slow and many clients,
 * certificate reload, graceful shutdown, logs. No mocks, no timed assertions.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, Agent } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { compilePolicy, defaultPolicy } from './policy.js';
import { startWebhookServer, type WebhookServer } from './server.js';
import { admissionReview, deployment, hardenedPodSpec, unhardenedDeployment } from './testing.js';
import { generateServingCerts } from './tls.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

function call(s: WebhookServer, path: string, body?: string | Buffer, o: { method?: string; headers?: Record<string, string | number>; agent?: Agent; ca?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: s.port, path, method: o.method ?? (body === undefined ? 'GET' : 'POST'), ca: o.ca ?? s.caPem, headers: { 'content-type': 'application/json', ...o.headers }, agent: o.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });
const mutatingPolicy = compilePolicy({ profiles: { p: { pss: 'restricted:latest', failOn: 'high', warnOn: 'medium' } }, rules: [{ namespaces: { names: ['mut'] }, enforce: 'p', mutate: true }, { enforce: 'p' }] });

let s: WebhookServer;
before(async () => {
  s = await startWebhookServer({ host: '127.0.0.1', port: 0, policy: mutatingPolicy, tls: { selfSigned: { sans: ['127.0.0.1', 'localhost'] } }, logger, headersTimeoutMs: 1000, requestTimeoutMs: 2000, handshakeTimeoutMs: 2000 });
});
after(async () => {
  await s?.close();
});

const review = (obj: Record<string, unknown>, uid = 'u-1') => JSON.stringify(admissionReview(obj, { uid }));

describe('webhook server', () => {
  test('POST /validate answers an AdmissionReview v1 with the uid echoed', async () => {
    const r = await call(s, '/validate', review(unhardenedDeployment('web', 'demo'), 'abc-123'));
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    const body = r.json() as { apiVersion: string; kind: string; response: { uid: string; allowed: boolean; status: { code: number; message: string } } };
    assert.equal(body.apiVersion, 'admission.k8s.io/v1');
    assert.equal(body.kind, 'AdmissionReview');
    assert.equal(body.response.uid, 'abc-123');
    assert.equal(body.response.allowed, false);
    assert.equal(body.response.status.code, 403);
    assert.match(body.response.status.message, /CTR-PRIV-ESC/);
    const ok = (await call(s, '/validate', review(deployment('web', 'demo', hardenedPodSpec(1))))).json() as { response: { allowed: boolean } };
    assert.equal(ok.response.allowed, true);
  });

  test('POST /mutate returns a JSONPatch for opted-in namespaces', async () => {
    const r = (await call(s, '/mutate', review(unhardenedDeployment('web', 'mut')))).json() as { response: { allowed: boolean; patchType: string; patch: string } };
    assert.equal(r.response.allowed, true);
    assert.equal(r.response.patchType, 'JSONPatch');
    const patch = JSON.parse(Buffer.from(r.response.patch, 'base64').toString()) as { path: string }[];
    assert.ok(patch.some((p) => p.path === '/spec/template/spec/securityContext'));
  });

  test('bad input gets 400 with a clear message that does not echo the body', async () => {
    const cases: [string, RegExp][] = [
      ['{"apiVersion": "admission.k8s.io/v1", "kind": SECRETTOKEN', /request body is not valid JSON/],
      ['', /not valid JSON \(it ends early\)/],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }), /apiVersion must be "admission\.k8s\.io\/v1"/],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'Pod' }), /kind must be "AdmissionReview"/],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), /request is missing/],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { kind: { kind: 'Pod' } } }), /request\.uid is missing/],
      [JSON.stringify({ ...admissionReview(unhardenedDeployment('a', 'b')), request: { ...(admissionReview(unhardenedDeployment('a', 'b')).request as object), object: 'SECRETTOKEN' } }), /request\.object must be an object or null/],
      ['[1,2,3]', /must be a JSON object/],
    ];
    for (const [body, re] of cases) {
      const r = await call(s, '/validate', body);
      assert.equal(r.status, 400, body);
      const st = r.json() as { kind: string; code: number; message: string };
      assert.equal(st.kind, 'Status');
      assert.equal(st.code, 400);
      assert.match(st.message, re);
      assert.ok(!r.body.includes('SECRETTOKEN'));
    }
    assert.ok(!logLines.some((l) => l.includes('SECRETTOKEN')));
  });

  test('bodies above 3 MiB get 413, declared or streamed; the server keeps serving', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const declared = await call(s, '/validate', big);
    assert.equal(declared.status, 413);
    assert.match(declared.body, /larger than the 3145728 byte limit/);
    // chunked: no content-length, the limit is found while reading
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: s.port, path: '/validate', method: 'POST', ca: s.caPem, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 40) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    }).catch((e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 413 : Promise.reject(e)));
    assert.equal(streamed, 413);
    assert.equal((await call(s, '/validate', review(deployment('web', 'demo', hardenedPodSpec(1))))).status, 200);
  });

  test('routes and methods: 404, 405, healthz, readyz, metrics', async () => {
    assert.equal((await call(s, '/nope')).status, 404);
    const m = await call(s, '/validate', undefined, { method: 'GET' });
    assert.equal(m.status, 405);
    assert.equal(m.headers.allow, 'POST');
    assert.equal((await call(s, '/healthz')).status, 200);
    assert.equal((await call(s, '/readyz')).status, 200);
    const metrics = await call(s, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /kubeharden_admission_reviews_total\{endpoint="validate",kind="Deployment",operation="CREATE",decision="denied",mode="enforce"\} \d+/);
    assert.match(metrics.body, /kubeharden_admission_review_duration_seconds_bucket\{le="0.005",endpoint="validate"\}/);
    assert.match(metrics.body, /kubeharden_admission_errors_total\{reason="bad_request"\} \d+/);
    assert.match(metrics.body, /kubeharden_admission_errors_total\{reason="too_large"\} \d+/);
  });

  test('slow clients are cut off; others keep being served', async () => {
    const slow = tlsConnect({ host: '127.0.0.1', port: s.port, ca: s.caPem, servername: 'localhost' });
    await new Promise<void>((r) => slow.once('secureConnect', () => r()));
    slow.write('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n'); // headers never finish
    const closed = new Promise<string>((r) => {
      let got = '';
      slow.on('data', (d: Buffer) => (got += d.toString()));
      slow.on('close', () => r(got));
    });
    assert.equal((await call(s, '/healthz')).status, 200);
    const reply = await closed;
    assert.ok(reply === '' || /^HTTP\/1\.1 408/.test(reply), reply);
  });

  test('a thousand idle connections do not stop reviews', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < 1000; i++) {
      const sock = netConnect({ host: '127.0.0.1', port: s.port });
      sock.on('error', () => undefined);
      sockets.push(sock);
    }
    await Promise.all(sockets.map((sock) => new Promise<void>((r) => (sock.connecting ? sock.once('connect', () => r()) : r()))));
    const agent = new Agent({ keepAlive: true, maxSockets: 20, ca: s.caPem });
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => call(s, '/validate', review(deployment('web', 'demo', hardenedPodSpec(1)), `c-${i}`), { agent })));
    agent.destroy();
    for (const [i, r] of replies.entries()) {
      assert.equal(r.status, 200);
      assert.equal((r.json().response as { uid: string }).uid, `c-${i}`);
    }
    for (const sock of sockets) sock.destroy();
  });

  test('TLS below 1.2 is refused', async () => {
    const err = await new Promise<Error | undefined>((resolve) => {
      const sock = tlsConnect({ host: '127.0.0.1', port: s.port, ca: s.caPem, servername: 'localhost', maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
      sock.once('secureConnect', () => {
        sock.destroy();
        resolve(undefined);
      });
      sock.once('error', (e) => resolve(e));
    });
    assert.ok(err, 'a TLS 1.1 handshake must fail');
  });

  test('an exception while reviewing is a 500 (the API server applies failurePolicy), and the next request is fine', async () => {
    const broken = { ...defaultPolicy() };
    Object.defineProperty(broken, 'rules', { get: () => { throw new Error('boom'); } });
    const b = await startWebhookServer({ host: '127.0.0.1', port: 0, policy: broken, tls: { pair: { cert: (await certsFor()).cert, key: (await certsFor()).key } }, logger });
    try {
      const r = await call(b, '/validate', review(unhardenedDeployment('web', 'demo')), { ca: (await certsFor()).caPem });
      assert.equal(r.status, 500);
      assert.match(r.body, /internal error/);
      assert.equal((await call(b, '/healthz', undefined, { ca: (await certsFor()).caPem })).status, 200);
    } finally {
      await b.close();
    }
  });

  test('logs are JSON lines without object payloads', async () => {
    const obj = unhardenedDeployment('web', 'demo');
    ((obj.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]).env = [{ name: 'API_KEY', value: 'sk-live-DO-NOT-LOG' }];
    await call(s, '/validate', review(obj, 'log-uid'));
    const line = logLines.find((l) => l.includes('"log-uid"'));
    assert.ok(line, 'the review is logged');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    assert.equal(parsed.decision, 'denied');
    assert.equal(parsed.kind, 'Deployment');
    assert.ok(Array.isArray(parsed.checks));
    assert.ok(!logLines.some((l) => l.includes('sk-live-DO-NOT-LOG')));
  });
});

let shared: Awaited<ReturnType<typeof generateServingCerts>> | undefined;
async function certsFor() {
  shared ??= await generateServingCerts(['127.0.0.1', 'localhost']);
  return shared;
}

function peerFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const raw = sock.getPeerX509Certificate();
      sock.destroy();
      resolve(raw?.fingerprint256 ?? '');
    });
    sock.on('error', reject);
  });
}

describe('certificate reload', () => {
  test('new files are served after a reload; a mismatched pair is refused and the old one kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-tls-'));
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    const first = await generateServingCerts(['127.0.0.1', 'localhost']);
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    const srv = await startWebhookServer({ host: '127.0.0.1', port: 0, policy: defaultPolicy(), tls: { certFile, keyFile, watchIntervalMs: 3_600_000 }, logger });
    try {
      const a = await peerFingerprint(srv.port, first.caPem);
      assert.equal(a, new X509Certificate(first.cert).fingerprint256);
      const second = await generateServingCerts(['127.0.0.1', 'localhost']);
      // half-way through a rotation: new certificate, old key
      writeFileSync(certFile, second.cert);
      assert.equal(await srv.reloadCertificates(), false);
      assert.equal(await peerFingerprint(srv.port, first.caPem), a);
      writeFileSync(keyFile, second.key);
      assert.equal(await srv.reloadCertificates(), true);
      assert.equal(await peerFingerprint(srv.port, second.caPem), new X509Certificate(second.cert).fingerprint256);
      const metrics = await call(srv, '/metrics', undefined, { ca: second.caPem });
      assert.match(metrics.body, /kubeharden_admission_certificate_reloads_total\{result="success"\} 1/);
      assert.match(metrics.body, /kubeharden_admission_certificate_reloads_total\{result="failure"\} 1/);
    } finally {
      await srv.close();
    }
  });
});

describe('graceful shutdown', () => {
  test('in-flight reviews finish; then no new connections are accepted', async () => {
    const c = await certsFor();
    const srv = await startWebhookServer({ host: '127.0.0.1', port: 0, policy: defaultPolicy(), tls: { pair: { cert: c.cert, key: c.key } }, logger });
    const body = Buffer.from(review(deployment('web', 'demo', hardenedPodSpec(1)), 'in-flight'));
    let closing: Promise<void> | undefined;
    const reply = await new Promise<{ status: number; text: string; connection?: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: srv.port, path: '/validate', method: 'POST', ca: c.caPem, agent: false, headers: { 'content-length': body.length } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
      });
      req.on('error', reject);
      req.write(body.subarray(0, 100));
      // Shut down while the request is half received, then send the rest.
      req.once('socket', (sock) =>
        sock.once('secureConnect', () => {
          setImmediate(() => {
            closing = srv.close();
            req.end(body.subarray(100));
          });
        }),
      );
    });
    assert.equal(reply.status, 200);
    assert.equal((JSON.parse(reply.text) as { response: { uid: string } }).response.uid, 'in-flight');
    assert.equal(reply.connection, 'close');
    await closing;
    const refused = await call(srv, '/healthz', undefined, { ca: c.caPem }).then(
      () => 'served',
      (e: NodeJS.ErrnoException) => e.code,
    );
    assert.equal(refused, 'ECONNREFUSED');
  });
});
