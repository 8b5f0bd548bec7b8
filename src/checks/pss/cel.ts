/**
 * The PSS-* checks as CEL: each takes its control's CEL from src/pss/checks (the same versions
 * and overrides as the evaluator) and evaluates it under the policies a pod is held to, as
 * evaluation.ts does: the namespace's pod-security.kubernetes.io labels (read from
 * `namespaceObject`, with PodSecurity admission's defaulting) and `scan --pss`, reporting the
 * strongest failing mode (enforce, warn, audit, scan) in the scan's words.
 */
import type { CelForm, CelPart, Cel } from '../../k8s/cel.js';
import { lit } from '../../k8s/cel.js';
import { checkDefinition } from '../../pss/registry.js';
import { controlAtCel, namespacePoliciesCel, staticPolicyCel, type PolicyCel } from '../../pss/policy-cel.js';
import type { PssPolicy } from '../../pss/types.js';
import type { PssCheckSpec } from './meta.js';

type Settings = { readonly pss: PssPolicy | undefined };

export function pssCel(spec: PssCheckSpec): CelForm<Settings> {
  const def = checkDefinition(spec.checkId);
  return {
    form: 'pod',
    findings: ({ pod, settings, constant }) => {
      const impl = (i: number) => constant(`v${i}`, def.versions[i].cel(pod));
      const isPod = pod.shape.kind === 'Pod';
      const subject = isPod ? 'this Pod is' : `the pods of this ${pod.shape.kind} are`;
      const lv = (p: PolicyCel) => `${p.level} + ':' + ${p.version}`;
      const ns = 'namespaceObject.metadata.name';
      const ns3 = namespacePoliciesCel(constant);
      const modes: Array<{ policy: PolicyCel; sentence: Cel }> = [
        { policy: ns3.enforce, sentence: `' Namespace "' + ${ns} + '" enforces ' + ${lv(ns3.enforce)} + ${lit(`: ${subject} rejected at admission${isPod ? '' : ' (the workload itself is accepted with a warning)'}.`)}` },
        { policy: ns3.warn, sentence: `' Namespace "' + ${ns} + '" warns at ' + ${lv(ns3.warn)} + ': kubectl prints this as a warning.'` },
        { policy: ns3.audit, sentence: `' Namespace "' + ${ns} + '" audits at ' + ${lv(ns3.audit)} + ': recorded in the API server audit log.'` },
      ];
      if (settings.pss && settings.pss.level !== 'privileged') {
        const p = staticPolicyCel(settings.pss.level, settings.pss.version);
        modes.push({ policy: p, sentence: lit(` (Pod Security ${settings.pss.level}:${p.version.slice(1, -1)})`) });
      }
      const result = (p: PolicyCel) => controlAtCel(spec.checkId, p, impl);
      const message = modes.reduceRight((els, m) => `${result(m.policy)} != '' ? [${result(m.policy)} + ${lit(`. ${spec.fix}`)} + ${m.sentence}] : ${els}`, '[]');
      if (spec.checkId !== 'restrictedVolumes') return `(${message})`;
      // hostPath is the dangerous case of restricted volume types (index.ts).
      const parts: CelPart[] = [
        { severity: 'medium', messages: `(${message}).filter(m, m.contains('"hostPath"'))` },
        { messages: `(${message}).filter(m, !m.contains('"hostPath"'))` },
      ];
      return parts;
    },
  };
}
