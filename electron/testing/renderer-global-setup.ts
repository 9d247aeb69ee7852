import type { TestProject } from 'vitest/node';
import { startRendererCore, type RendererCoreContext } from './renderer-core.js';

declare module 'vitest' {
  export interface ProvidedContext {
    rendererCore: RendererCoreContext;
  }
}

/**
 * vitest globalSetup of the renderer project: starts the real core (renderer-core.ts) in the
 * plain Node realm, where jose and oidc-provider work, and hands its URLs to the jsdom tests.
 */
export default async function setup(project: TestProject) {
  const core = await startRendererCore();
  project.provide('rendererCore', core.context);
  return () => core.close();
}
