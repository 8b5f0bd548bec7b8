/** Host names of Docker Hub: an image reference naming any of them is a Docker Hub image. */
export const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
