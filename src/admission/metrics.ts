/** Prometheus metrics of the webhook, in a registry of its own (never the global one). */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GateObserver } from '../images/gate.js';

/** At most this many distinct kinds get their own label value; the rest count as "other". */
const MAX_KINDS = 100;

export class WebhookMetrics {
  readonly registry = new Registry();
  readonly reviews = new Counter({
    name: 'kubeharden_admission_reviews_total',
    help: 'Admission reviews answered, by endpoint, kind, operation, decision (allowed, warned, denied, mutated, error) and mode (enforce, warn, audit, mutate, exempt, skipped, none).',
    labelNames: ['endpoint', 'kind', 'operation', 'decision', 'mode'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'kubeharden_admission_review_duration_seconds',
    help: 'Time from the request to the response being written, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'kubeharden_admission_errors_total',
    help: 'Requests that could not be reviewed, by reason (bad_request, too_large, timeout, internal, evaluation, tls, client).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'kubeharden_admission_in_flight_requests',
    help: 'Requests being received or evaluated.',
    registers: [this.registry],
  });
  readonly certReloads = new Counter({
    name: 'kubeharden_admission_certificate_reloads_total',
    help: 'Serving certificate reloads after the files changed, by result (success, failure).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly namespacesSynced = new Gauge({
    name: 'kubeharden_admission_namespace_labels_synced',
    help: '1 when the namespace label cache has its first full list.',
    registers: [this.registry],
  });
  readonly imageVerifications = new Counter({
    name: 'kubeharden_image_verifications_total',
    help: 'Image signature checks, by result (verified, unsigned, wrong-key, digest-mismatch, invalid, unverifiable).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly imageCache = new Counter({
    name: 'kubeharden_image_cache_lookups_total',
    help: 'Image evidence lookups (signatures, tag resolutions) before a review, by result (hit, stale, miss).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly registryDuration = new Histogram({
    name: 'kubeharden_image_registry_request_duration_seconds',
    help: 'Registry round trips of the image gate (auth handshake included), by operation (manifest, blob, referrers, token) and outcome (ok, not_found, error).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  #kinds = new Set<string>();

  /** The image gate's metrics hooks. */
  imageObserver(): GateObserver {
    return {
      verification: (result) => this.imageVerifications.inc({ result }),
      cache: (result) => this.imageCache.inc({ result }),
      request: (operation, seconds, outcome) => this.registryDuration.observe({ operation, outcome }, seconds),
    };
  }

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'kubeharden_' });
  }

  /** A bounded label value for a kind (the body is untrusted: anyone reaching the port can send any kind). */
  kindLabel(kind: string): string {
    if (this.#kinds.has(kind)) return kind;
    if (this.#kinds.size >= MAX_KINDS || !/^[A-Za-z0-9]{1,63}$/.test(kind)) return 'other';
    this.#kinds.add(kind);
    return kind;
  }
}
