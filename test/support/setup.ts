// Shared per-file setup: make an unhandled rejection anywhere fail the run loudly.
process.on('unhandledRejection', (reason) => {
  throw reason;
});
