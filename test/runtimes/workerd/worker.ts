import { createApp } from '../app/app.js';

// A Worker's module form: Hono's app is the fetch handler; BASIQ_API_KEY and BASIQ_API_URL
// arrive as bindings, read by the app through `env(c)` on the first request.
export default createApp();
