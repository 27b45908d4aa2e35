export { DEMO_USER_HEADER, DemoEnvError, demoUserId, exitOnDemoEnvError, loadDemoEnv } from './demo-env.js';
export { localHostOnly, localHostOnlyKoa, misdirectedAnswer } from './host-check.js';
export type { KoaLikeContext, MisdirectedAnswer } from './host-check.js';
export type { DemoEnv } from './demo-env.js';
export { runDemo, listening, closeServer } from './run-demo.js';
export type { RunDemoOptions } from './run-demo.js';
export { basiqAnswerOf } from './basiq-answer.js';
export type { BasiqAnswer } from './basiq-answer.js';
export { DEMO_PAGE_CSP, DEMO_SCRIPT, SEEDED_DEMO_USER_ID, demoPageHtml } from './demo-page.js';
