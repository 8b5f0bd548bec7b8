import { LIFECYCLE_HANDLERS, PROBE_FIELDS } from '../../pss/index.js';

/** Probes (a container field) and lifecycle handlers (under `lifecycle`), in report order: the control's list. */
export const HANDLER_PATHS: ReadonlyArray<readonly string[]> = [...PROBE_FIELDS.map((p) => [p]), ...LIFECYCLE_HANDLERS.map((h) => ['lifecycle', h])];
