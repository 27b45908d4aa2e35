export { DEMO_USER_HEADER, demoUserId, loadDemoEnv } from './demo-env.js';
export type { DemoEnv } from './demo-env.js';
export { runDemo, listening, closeServer } from './run-demo.js';
export type { RunDemoOptions } from './run-demo.js';
export { basiqAnswerOf } from './basiq-answer.js';
export type { BasiqAnswer } from './basiq-answer.js';
