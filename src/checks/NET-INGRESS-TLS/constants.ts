/** Annotations with which cloud controllers terminate TLS without spec.tls. */
export const OUT_OF_BAND_TLS = [
  'alb.ingress.kubernetes.io/certificate-arn',
  'ingress.gcp.kubernetes.io/pre-shared-cert',
  'networking.gke.io/managed-certificates',
  'service.beta.kubernetes.io/aws-load-balancer-ssl-cert',
  'appgw.ingress.kubernetes.io/appgw-ssl-certificate',
];
