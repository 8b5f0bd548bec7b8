/** Signature material fetched for one image digest, as cached (plain JSON: it is written to disk). */

/** A classic cosign signature: a layer of the `sha256-<hex>.sig` manifest. */
export interface CosignSignatureLayer {
  /** The simple-signing payload, base64 (the layer blob, already checked against its digest). */
  payload: string;
  /** `dev.cosignproject.cosign/signature`, base64 (DER ECDSA, or RSA/Ed25519). */
  signature: string;
  layerDigest: string;
}

export interface SignatureMaterial {
  /** The image digest the material was fetched for. */
  digest: string;
  cosign: CosignSignatureLayer[];
  /** Sigstore bundles (JSON) attached as OCI referrers. */
  bundles: unknown[];
  /** Layers that could not be used (not simple-signing, no signature annotation, unreadable bundle). */
  problems: string[];
}

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

/** The in-toto predicate cosign's bundle signatures carry (attestations carry others). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
