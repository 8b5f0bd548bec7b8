/** Test helpers: a policy from inline YAML documents (optionally with the bootstrap policy). */
import { parseAllDocuments } from 'yaml';
import { bootstrapInputs } from './defaults.js';
import { buildPolicy, type PolicyOptions, type RbacInput, type RbacPolicy } from './policy.js';

export function policyFromYaml(text: string, opts: { defaults?: boolean } & PolicyOptions = {}): RbacPolicy {
  const docs = parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((d) => d);
  const inputs: RbacInput[] = [...(opts.defaults ? bootstrapInputs() : []), ...docs.map((object) => ({ object, origin: 'input' as const }))];
  return buildPolicy(inputs, opts);
}
