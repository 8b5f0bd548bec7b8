/** The RBAC-object checks of the scan catalogue (Roles, ClusterRoles and their bindings). */
import type { Check } from '../../engine/types.js';
import { check as wildcard } from './RBAC-WILDCARD/index.js';
import { check as clusterAdmin } from './RBAC-CLUSTER-ADMIN/index.js';
import { check as secrets } from './RBAC-SECRETS/index.js';
import { check as createWorkloads } from './RBAC-CREATE-WORKLOADS/index.js';
import { check as execAttach } from './RBAC-EXEC-ATTACH/index.js';
import { check as portforward } from './RBAC-PORTFORWARD/index.js';
import { check as nodesProxy } from './RBAC-NODES-PROXY/index.js';
import { check as escalation } from './RBAC-ESCALATION/index.js';
import { check as webhookcfg } from './RBAC-WEBHOOKCFG/index.js';
import { check as csrApprove } from './RBAC-CSR-APPROVE/index.js';
import { check as tokenPv } from './RBAC-TOKEN-PV/index.js';
import { check as del } from './RBAC-DELETE/index.js';
import { check as configNet } from './RBAC-CONFIG-NET/index.js';
import { check as specialSubjects } from './RBAC-SPECIAL-SUBJECTS/index.js';
import { check as userDirect } from './RBAC-USER-DIRECT/index.js';
import { check as danglingRole } from './RBAC-DANGLING-ROLE/index.js';

export const rbacChecks: Check[] = [
  wildcard,
  clusterAdmin,
  secrets,
  createWorkloads,
  execAttach,
  portforward,
  nodesProxy,
  escalation,
  webhookcfg,
  csrApprove,
  tokenPv,
  del,
  configNet,
  specialSubjects,
  userDirect,
  danglingRole,
];
