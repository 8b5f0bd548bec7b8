import { concat, imageRecords, lit, perContainerList, type Cel, type CelForm } from '../../k8s/cel.js';

export const cel: CelForm = {
  form: 'pod',
  findings: ({ pod, constant }) => {
    const images = constant('images', imageRecords(pod));
    const repo = "((i.registry == '' ? 'docker.io' : i.registry).lowerAscii() + '/' + i.repository.lowerAscii())";
    const candidate = `${repo}.matches('tiller|dashboard|ingress')`;
    const tiller = `(${repo}.matches('(^|/)(kubernetes-helm|helm)/tiller$') || ${repo}.matches('/tiller$'))`;
    const dashboard = `(${repo}.matches('(^|/)kubernetesui/dashboard(-api|-web|-auth)?$') || ${repo}.matches('kubernetes-dashboard(-amd64|-arm64|-arm)?$'))`;
    const ingress = `(${repo}.matches('(^|/)ingress-nginx/controller(-chroot)?$') || (${repo}.matches('nginx-ingress-controller$') && ${repo}.matches('kubernetes-ingress-controller|google[-_]containers|k8s\\\\.gcr\\\\.io')))`;
    // semver(tag) and ingressNightmare(): fixed in v1.11.5 and v1.12.1.
    const ver = "i.tag.find('^v?[0-9]+\\\\.[0-9]+(\\\\.[0-9]+)?').replace('v', '').split('.')";
    const num = (k: number): Cel => (k === 2 ? `(${ver}.size() > 2 ? int(${ver}[2]) : 0)` : `int(${ver}[${k}])`);
    const hasVer = "i.tag.matches('^v?[0-9]+\\\\.[0-9]+')";
    const nightmare = `(${hasVer} && (${num(0)} == 1 && ${num(1)} == 12 ? ${num(2)} < 1 : (${num(0)} < 1 || (${num(0)} == 1 && (${num(1)} < 11 || (${num(1)} == 11 && ${num(2)} < 5))))))`;
    const gated = (cond: Cel) => `i.ref != '' && ${candidate} && ${cond}`;
    // The Dashboard's flags are looked for in the container the record describes (same order as the records).
    const skip = `${pod.spec}.containers.exists(c, ('container "' + c.name + '"') == i.describe && (c.?args.orValue([]) + c.?command.orValue([])).exists(a, a.matches('^--enable-(skip|insecure)-login(=true)?$')))`;
    const gitSync = perContainerList(pod, (c) =>
      `${c.v}.?env.orValue([]).map(e, e.name in ['GITSYNC_GIT', 'GIT_SYNC_GIT'], ${c.describe} + ' sets ' + e.name + ': git-sync will execute whatever binary it names, so anyone who can change this value (or the file it points to) runs code in the pod') + (${c.v}.?image.orValue('').contains('git-sync') ? ${concat(['args', 'command'].map((f) => `(${c.v}.?${f}.orValue([]).exists(a, a.matches('^--git(=|$)')) ? [${c.describe} + ' passes --git to git-sync: it chooses the binary git-sync executes'] : [])`))} : [])`);
    const gitRepo = `${pod.spec}.?volumes.orValue([]).map(v, v.?gitRepo.hasValue(), 'volume "' + v.name + '" is a gitRepo volume: deprecated, and a crafted repository runs commands on the node as root (CVE-2024-10220, CVE-2025-1767); clone in an init container into an emptyDir instead')`;
    return [
      {
        severity: 'critical',
        messages: `${images}.map(i, ${gated(tiller)}, i.describe + ' runs Helm 2 Tiller ("' + i.image + '"): its gRPC port is unauthenticated by default and it usually holds cluster-admin; Helm 2 is end-of-life since November 2020') + ${images}.map(i, ${gated(`!${tiller} && !${dashboard} && ${ingress} && ${nightmare}`)}, i.describe + ' runs ingress-nginx ' + i.tag + ', vulnerable to CVE-2025-1974 (IngressNightmare: unauthenticated RCE through the admission webhook, exposing every Secret); fixed in v1.11.5 / v1.12.1, and the project is retired')`,
      },
      {
        messages: concat([
          `${images}.map(i, ${gated(`!${tiller} && ${dashboard}`)}, i.describe + ' runs the Kubernetes Dashboard ("' + i.image + '")' + (${skip} ? ' with login skipping or insecure login enabled' : '') + ${lit(': a web UI with API access is a favourite takeover target; keep it off production clusters or strictly internal with real authentication')})`,
          gitSync,
          gitRepo,
        ]),
      },
      { severity: 'medium', messages: `${images}.map(i, ${gated(`!${tiller} && !${dashboard} && ${ingress} && !${nightmare}`)}, i.describe + ' runs ingress-nginx ("' + i.image + '"): the project was retired in March 2026 and receives no further releases or security fixes; migrate to a maintained controller')` },
    ];
  },
};
