/**
 * What the HTML report renders: a generic list of findings with the explanation of each check,
 * so every command with findings (scan, audit, rbac risks…) gets the same page by mapping its
 * results to this model once.
 */
import type { Severity } from '../../engine/types.js';
import type { BaselineOutcome } from '../baseline.js';
import type { ComplianceReport } from '../compliance/evaluate.js';
import type { ObjectRef } from '../overview.js';

export interface HtmlCheckInfo {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  /** Why it matters (the attack it stops). */
  why: string;
  fix: string;
  references: ReadonlyArray<{ title: string; url: string }>;
}

export interface HtmlFinding {
  check: string;
  severity: Severity;
  title: string;
  message: string;
  category: string;
  /** Source location; absent for findings about live or derived objects (an RBAC subject). */
  file?: string;
  line?: number;
  column?: number;
  object: { kind: string; namespace?: string; name: string };
  container?: string;
  path?: string;
  suppressed?: { by: string; reason: string };
  /** Extra detail lines (an RBAC grant: binding → role → rule). */
  detail?: readonly string[];
}

export interface HtmlReportModel {
  /** The page heading, e.g. "kubeharden scan". */
  title: string;
  /** What was examined, shown under the heading (paths, cluster context). */
  subject: string;
  toolVersion: string;
  failOn: string;
  findings: readonly HtmlFinding[];
  checks: readonly HtmlCheckInfo[];
  errors: ReadonlyArray<{ file: string; line?: number; column?: number; message: string }>;
  warnings: readonly string[];
  inventory?: readonly ObjectRef[];
  baseline?: BaselineOutcome;
  compliance?: ComplianceReport;
  repoUrl?: string;
}
