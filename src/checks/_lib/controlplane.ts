/**
 * Shapes of the control-plane and kubelet checks: a process check runs on every command line of
 * the components it names (in pods, static or mirror, and in ProcessCommandLine objects); a
 * kubelet check runs on every kubelet with its configuration resolved in precedence order; a
 * config check runs on one configuration kind (matched by API group, not kind alone).
 */
import type { LoadedObject, Path } from '../../load/types.js';
import type { BundleCheck, CheckContext, CheckMeta, ObjectCheck, RawFinding } from '../../engine/types.js';
import { controlPlaneModel, type ControlPlaneModel, type KubeletInstance } from '../../controlplane/model.js';
import type { ComponentProcess } from '../../controlplane/process.js';
import type { Component } from '../../controlplane/flags/table.js';
import { isConfigKind, type ConfigKind } from '../../controlplane/config-kinds.js';
import { describeOrigin, effective, type Effective, type KubeletField } from '../../controlplane/kubelet.js';

export function modelOf(ctx: CheckContext): ControlPlaneModel {
  return ctx.index.derived(controlPlaneModel);
}

export function processCheck(
  meta: CheckMeta,
  components: readonly Component[],
  run: (p: ComponentProcess, ctx: CheckContext, model: ControlPlaneModel) => Iterable<RawFinding>,
): ObjectCheck {
  return {
    scope: 'object',
    kinds: '*',
    meta,
    *check(o, ctx) {
      const model = modelOf(ctx);
      for (const p of model.processesOf(o)) {
        if (!components.includes(p.component)) continue;
        for (const f of run(p, ctx, model)) yield p.container && f.container === undefined ? { ...f, container: p.container.name } : f;
      }
    },
  };
}

export function kubeletCheck(meta: CheckMeta, run: (k: KubeletInstance, ctx: CheckContext) => Iterable<RawFinding & { object: LoadedObject }>): BundleCheck {
  return {
    scope: 'bundle',
    meta,
    *check(ctx) {
      for (const k of modelOf(ctx).kubelets) yield* run(k, ctx);
    },
  };
}

export function configCheck(meta: CheckMeta, kind: ConfigKind, run: (o: LoadedObject, ctx: CheckContext) => Iterable<RawFinding>): ObjectCheck {
  return {
    scope: 'object',
    kinds: [kind],
    meta,
    *check(o, ctx) {
      if (isConfigKind(o, kind)) yield* run(o, ctx);
    },
  };
}

/** Where a finding about a flag goes: the flag's argument, or (missing flag) the list that holds the flags. */
export function flagPath(p: ComponentProcess, flag: string): Path {
  return p.flags.last(flag)?.arg.path ?? p.anchor;
}

/** `--anonymous-auth` is set to "true" / is not set and defaults to true. */
export function flagState(p: ComponentProcess, flag: string, defaultText: string): string {
  const o = p.flags.last(flag);
  return o ? `--${flag}=${o.value}` : `--${flag} is not set (default ${defaultText})`;
}

/** A kubelet finding at the source of the value (flag, drop-in, config field), or where it must be added. */
export function kubeletFinding(e: Effective, message: string, severity?: RawFinding['severity']): RawFinding & { object: LoadedObject } {
  return { object: e.object, path: e.path, message: `${message} (${describeOrigin(e)})`, ...(severity ? { severity } : {}) };
}

/** Runs `test` on one kubelet field's effective value and reports it where the value comes from. */
export function kubeletField(
  meta: CheckMeta,
  field: KubeletField,
  test: (value: unknown, k: KubeletInstance) => string | undefined,
): BundleCheck {
  return kubeletCheck(meta, function* (k) {
    const e = kubeletValue(k, field);
    if (!e) return;
    const message = test(e.value, k);
    if (message) yield kubeletFinding(e, message);
  });
}

/** Evaluates one kubelet field; values that cannot be known yield nothing here (CP-NOT-ASSESSABLE reports them). */
export function kubeletValue(k: KubeletInstance, field: KubeletField): Effective | undefined {
  const e = effective(k, field);
  return e.unknown ? undefined : e;
}

