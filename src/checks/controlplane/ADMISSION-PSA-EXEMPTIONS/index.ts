import type { Path } from '../../../load/types.js';
import { configCheck } from '../../_lib/controlplane.js';
import { ADMISSION, NSA, PSA_CONFIG } from '../../_lib/controlplane-references.js';
import { NSA_CISA } from '../../_lib/references.js';
import { asList, asMap, asString, asStringList } from '../../../k8s/json.js';

export const check = configCheck(
  {
    id: 'ADMISSION-PSA-EXEMPTIONS',
    title: 'Pod Security admission exempts users, runtime classes or namespaces',
    severity: 'medium',
    category: 'control-plane',
    attack: 'Exempted requests skip the Pod Security Standards entirely: an exempted user (or a controller ServiceAccount, which exempts every pod it creates for anyone) can run privileged pods in any namespace, and an exempted RuntimeClass or namespace is a place where every pod is allowed.',
    remediation: 'Keep PodSecurity exemptions empty; exempt only kube-system when really needed, and prefer per-namespace labels to cluster-wide exemptions.',
    references: [PSA_CONFIG, ADMISSION, NSA_CISA],
    peers: {},
    controls: { nsa: [NSA.podSecurity] },
  },
  'AdmissionConfiguration',
  function* (o) {
    const plugins = asList(o.object.plugins);
    for (let i = 0; i < plugins.length; i++) {
      const plugin = asMap(plugins[i]);
      if (asString(plugin?.name) !== 'PodSecurity') continue;
      const exemptions = asMap(asMap(plugin?.configuration)?.exemptions);
      if (!exemptions) continue;
      const base: Path = ['plugins', i, 'configuration', 'exemptions'];
      const users = asStringList(exemptions.usernames);
      if (users.length) yield { message: `Pod Security admission exempts the users ${users.join(', ')}: pods they create skip every Pod Security Standard${users.some((u) => u.startsWith('system:serviceaccount:kube-system:')) ? ' (a controller\'s ServiceAccount exempts every pod that controller creates)' : ''}`, path: [...base, 'usernames'] };
      const rcs = asStringList(exemptions.runtimeClasses);
      if (rcs.length) yield { message: `Pod Security admission exempts pods with runtimeClassName ${rcs.join(', ')}: anyone may use them to skip every Pod Security Standard`, path: [...base, 'runtimeClasses'] };
      const nss = asStringList(exemptions.namespaces).filter((n) => n !== 'kube-system');
      if (nss.length) yield { message: `Pod Security admission exempts the namespaces ${nss.join(', ')}: every pod is admitted there`, path: [...base, 'namespaces'], severity: 'low' };
    }
  },
);
