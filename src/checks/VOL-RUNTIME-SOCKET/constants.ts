/** Sockets of container runtimes (Docker, containerd, CRI-O, cri-dockerd, Podman, the old dockershim). */
export const SOCKETS = new Set(['docker.sock', 'containerd.sock', 'crio.sock', 'cri-dockerd.sock', 'podman.sock', 'dockershim.sock']);
/** Directories that hold those sockets (mounting one exposes the socket in it). */
export const SOCKET_DIRS = new Set([
  '/run', '/var/run',
  '/run/containerd', '/var/run/containerd',
  '/run/crio', '/var/run/crio',
  '/run/docker', '/var/run/docker',
  '/run/cri-dockerd', '/var/run/cri-dockerd',
  '/run/podman', '/var/run/podman',
  '/run/k3s', '/run/k3s/containerd',
  '/var/snap/microk8s/common/run',
]);
