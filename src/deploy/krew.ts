/**
 * The krew plugin manifest for `kubectl harden` (krew.googlecontainertools.github.com/v1alpha2).
 * The release archive holds package.json and dist/; krew links dist/cli/main.js as
 * kubectl-harden, so kubectl finds the plugin and the CLI names itself `kubectl harden`.
 */
export const KREW_ARCHIVE_FILES = ['package.json', 'README.md', 'dist'] as const;

export function krewArchiveName(version: string): string {
  return `kubectl-harden-v${version}.tar.gz`;
}

export function krewManifest(version: string, sha256: string, baseUrl = 'https://github.com/kubeharden/kubeharden/releases/download'): Record<string, unknown> {
  return {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: 'harden' },
    spec: {
      version: `v${version}`,
      homepage: 'https://github.com/kubeharden/kubeharden',
      shortDescription: 'Find, explain, fix and block insecure Kubernetes manifests',
      description:
        'kubeharden scans manifests (files, Kustomize, stdin) with 100+ checks and exact Pod Security\n' +
        'Standards verdicts, analyses RBAC like the real authorizer (can-i, who-can, risks), writes HTML,\n' +
        'Markdown, SARIF and compliance reports (CIS, NSA/CISA, PSS), fixes YAML minimally, and installs\n' +
        'an admission webhook that enforces the same checks.',
      caveats: 'kubectl harden needs Node.js 20 or later on your PATH (it runs with `node`).\nStart with: kubectl harden scan ./manifests',
      platforms: [
        {
          selector: { matchExpressions: [{ key: 'os', operator: 'In', values: ['linux', 'darwin'] }] },
          uri: `${baseUrl}/v${version}/${krewArchiveName(version)}`,
          sha256,
          bin: 'dist/cli/main.js',
          files: KREW_ARCHIVE_FILES.map((f) => ({ from: f, to: '.' })),
        },
      ],
    },
  };
}
