/**
 * Offline property tests over seeded random worlds (the same generator the live differential
 * test uses): the indexed authorizer agrees with a naive reading of the upstream algorithm, and
 * who-can lists exactly the candidate subjects the authorizer allows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateWorld, candidateSubjects } from './generator.js';
import { buildPolicy, type RbacPolicy } from './policy.js';
import { authorize, isAllowed } from './authorizer.js';
import { whoCan } from './locator.js';
import { bootstrapInputs } from './defaults.js';
import { ruleAllows } from './match.js';
import { subjectAppliesTo, SYSTEM_MASTERS } from './identity.js';
import type { RequestAttributes, UserInfo } from './types.js';

/** The upstream algorithm without any index: every binding, every subject, every rule. */
function naive(p: RbacPolicy, user: UserInfo, a: RequestAttributes): boolean {
  if (user.groups.includes(SYSTEM_MASTERS)) return true;
  for (const b of p.clusterRoleBindings) {
    if (!b.subjects.some((s) => subjectAppliesTo(user, s, ''))) continue;
    const role = b.roleRef.kind === 'ClusterRole' ? p.getClusterRole(b.roleRef.name) : undefined;
    if (role?.rules.some((r) => ruleAllows(a, r))) return true;
  }
  const ns = a.resourceRequest ? a.namespace : '';
  if (!ns) return false;
  for (const b of p.roleBindings) {
    if (b.namespace !== ns || !b.subjects.some((s) => subjectAppliesTo(user, s, ns))) continue;
    const role = b.roleRef.kind === 'ClusterRole' ? p.getClusterRole(b.roleRef.name) : b.roleRef.kind === 'Role' ? p.getRole(ns, b.roleRef.name) : undefined;
    if (role?.rules.some((r) => ruleAllows(a, r))) return true;
  }
  return false;
}

for (const seed of [1, 7, 42, 1234]) {
  test(`seed ${seed}: indexed authorizer = naive authorizer; who-can = allowed candidates`, () => {
    const w = generateWorld(seed);
    const p = buildPolicy([...bootstrapInputs(), ...w.objects.map((object) => ({ object, origin: 'input' as const }))]);
    let allowed = 0;
    for (const { user, attrs } of w.requests) {
      const want = naive(p, user, attrs);
      assert.equal(isAllowed(p, user, attrs), want, JSON.stringify({ user, attrs }));
      assert.equal(authorize(p, user, attrs).allowed, want);
      if (want) allowed++;
    }
    // The generator must produce a real mix of answers.
    assert.ok(allowed > w.requests.length * 0.1 && allowed < w.requests.length * 0.9, `allowed ${allowed}/${w.requests.length}`);
    const candidates = candidateSubjects(w);
    for (const { attrs } of w.requests.slice(0, 150)) {
      const listed = new Set(whoCan(p, attrs).subjects.map((e) => `${e.subject.kind}/${e.subject.namespace ?? ''}/${e.subject.name}`));
      for (const c of candidates) {
        const key = `${c.kind}/${c.namespace ?? ''}/${c.name}`;
        assert.equal(listed.has(key), isAllowed(p, c.user, attrs), `${key} ${JSON.stringify(attrs)}`);
      }
    }
  });
}
