/**
 * The data the peer comparison passes between its steps (agreement.ts compares, explain.ts
 * judges, report.ts writes): in a module of its own, so those steps import it and not each other.
 */
import type { CorpusObject } from './corpus.js';

export type PeerId = 'checkov' | 'kubeScore' | 'kubeLinter' | 'polaris' | 'trivy' | 'kyverno';

export interface CatalogueCheck {
  id: string;
  scope: string;
  optIn?: boolean;
  peers: Partial<Record<string, string[]>>;
}

/** What the judge knows about the peer's whole run (to recognise kinds or files it skips). */
export interface PeerContext {
  /** Kinds the peer gave any verdict on. */
  peerKinds: Set<string>;
  /** Files the peer gave any verdict on. */
  peerFiles: Set<string>;
  /** Objects the peer reported an error on instead of a verdict, with its message. */
  peerErrors?: ReadonlyMap<string, string>;
}

export interface Mapping {
  khCheck: string;
  scope: string;
  peer: PeerId;
  peerChecks: string[];
}

export type Side = 'fail' | 'pass' | 'none';

export type Right = 'kubeharden' | 'peer' | 'both' | 'unjudged';

export interface Judgement {
  right: Right;
  /** Stable reason (the grouping key in RESULTS.md). */
  reason: string;
  /** Object-specific detail (e.g. which container and field). */
  detail: string;
}

export interface Disagreement {
  mapping: Mapping;
  key: string;
  object: CorpusObject | undefined;
  kh: Side;
  peer: Side;
  /** Both fail, but not on the same containers. */
  containerLevel: boolean;
  khContainers: string[];
  peerContainers: string[];
  khNotes: string[];
  peerNotes: string[];
  judgement: Judgement;
}

export interface PairResult {
  mapping: Mapping;
  /** Objects with a verdict from both sides. */
  compared: number;
  agreeFail: number;
  agreePass: number;
  disagreements: Disagreement[];
}
