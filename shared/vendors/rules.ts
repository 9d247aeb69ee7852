/** Every vendor diagnosis rule: the per-vendor tables, in the order of VENDORS.md §6. */
import {
  AIDBOX_RESOURCE_RULES,
  AIDBOX_RESOURCE_SUCCESS_RULES,
  AIDBOX_SUCCESS_RULES,
  AIDBOX_TOKEN_RULES,
} from './aidbox/rules.js';
import {
  COMMON_EXPORT_RULES,
  COMMON_REQUEST_RULES,
  COMMON_RESOURCE_RULES,
  COMMON_REVOCATION_RULES,
} from './common-rules.js';
import { EPIC_RESOURCE_RULES, EPIC_TOKEN_RULES } from './epic/rules.js';
import { KEYCLOAK_RULES } from './keycloak/rules.js';
import {
  OPENEMR_REGISTRATION_RULES,
  OPENEMR_RESOURCE_RULES,
  OPENEMR_RESOURCE_SUCCESS_RULES,
  OPENEMR_SUCCESS_RULES,
  OPENEMR_TOKEN_RULES,
} from './openemr/rules.js';
import {
  ORACLE_HEALTH_RESOURCE_RULES,
  ORACLE_HEALTH_SUCCESS_RULES,
  ORACLE_HEALTH_TOKEN_RULES,
} from './oracle-health/rules.js';
import type { VendorRule } from './rule-context.js';

// The order is the ranking's tie-break (vendorFindings), so it is kept as listed.
/** Every rule, in the order they are listed in VENDORS.md §6. */
export const VENDOR_RULES: readonly VendorRule[] = [
  // 6.1 generic
  ...COMMON_REQUEST_RULES,
  // 6.3 OpenEMR
  ...OPENEMR_TOKEN_RULES,
  // Registration answers (6.3 O6)
  ...OPENEMR_REGISTRATION_RULES,
  // 6.4 Oracle Health
  ...ORACLE_HEALTH_TOKEN_RULES,
  // 6.5 Epic
  ...EPIC_TOKEN_RULES,
  // 6.6 Aidbox
  ...AIDBOX_TOKEN_RULES,
  // Successful answers: what the vendor documents about the tokens (6.3 O13, 6.4 C8, 6.6 AB4)
  ...OPENEMR_SUCCESS_RULES,
  ...ORACLE_HEALTH_SUCCESS_RULES,
  ...AIDBOX_SUCCESS_RULES,
  // Resource calls (6.3 O9, 6.4 C6/C7, 6.5 E6, 6.6 AB1)
  ...COMMON_RESOURCE_RULES,
  ...AIDBOX_RESOURCE_RULES,
  ...EPIC_RESOURCE_RULES,
  ...ORACLE_HEALTH_RESOURCE_RULES,
  ...OPENEMR_RESOURCE_RULES,
  // Successful resource calls (6.3 O10, 6.6 AB5)
  ...OPENEMR_RESOURCE_SUCCESS_RULES,
  ...COMMON_EXPORT_RULES,
  ...AIDBOX_RESOURCE_SUCCESS_RULES,
  ...COMMON_REVOCATION_RULES,
  // 6.7 Keycloak
  ...KEYCLOAK_RULES,
];
