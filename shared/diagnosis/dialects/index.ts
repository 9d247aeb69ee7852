/** Every server dialect, one file each (see types.ts); the pipeline reads them all. */
import { entra } from './entra.js';
import { okta } from './okta.js';
import { auth0 } from './auth0.js';
import { keycloak } from './keycloak.js';
import { springAuthorizationServer } from './spring-authorization-server.js';
import { duende } from './duende.js';
import { cognito } from './cognito.js';
import { google } from './google.js';
import { hydra } from './hydra.js';
import { forgerock } from './forgerock.js';
import { glewlwyd } from './glewlwyd.js';
import { oauthlib } from './oauthlib.js';
import { authlib } from './authlib.js';
import { medplum } from './medplum.js';
import { oidcProvider } from './oidc-provider.js';
import { epic } from './epic.js';
import { oracleHealth } from './oracle-health.js';
import { openemr } from './openemr.js';
import { aidbox } from './aidbox.js';
import { smartLauncher } from './smart-launcher.js';
import type { Dialect } from './types.js';

export const DIALECTS: readonly Dialect[] = [
  entra,
  okta,
  auth0,
  keycloak,
  springAuthorizationServer,
  duende,
  cognito,
  google,
  hydra,
  forgerock,
  glewlwyd,
  oauthlib,
  authlib,
  medplum,
  oidcProvider,
  epic,
  oracleHealth,
  openemr,
  aidbox,
  smartLauncher,
];
