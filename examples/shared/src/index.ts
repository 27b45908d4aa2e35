export { DEMO_USER_HEADER, DemoEnvError, demoUserId, exitOnDemoEnvError, loadDemoEnv } from './demo-env.js';
export { localHostOnly, localHostOnlyKoa, misdirectedAnswer } from './host-check.js';
export type { KoaLikeContext, MisdirectedAnswer } from './host-check.js';
export type { DemoEnv } from './demo-env.js';
export { browserDemoBanner, closeServer, listening, loadDemoClient, runDemo } from './run-demo.js';
export type { RunDemoOptions } from './run-demo.js';
export { apiAnswer, basiqAnswerOf } from './basiq-answer.js';
export type { ApiResult, BasiqAnswer, NewBasiqUser } from './basiq-answer.js';
export { DEMO_PAGE_CSP, DEMO_SCRIPT, SEEDED_DEMO_USER_ID, demoPageCsp, demoPageHtml } from './demo-page.js';
export { BASIQ_BROWSER_SCRIPT_PATH, basiqBrowserScript } from './browser-bundle.js';
export {
  DEMO_SCRIPT_HEADERS,
  LIVENESS_PATH,
  PROBES,
  READINESS_PATH,
  demoAssets,
  demoPageHeaders,
} from './demo-app.js';
export type { DemoAppOptions, DemoAsset } from './demo-app.js';
