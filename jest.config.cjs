// `npm test` runs every project: unit specs, database/HTTP end-to-end specs, the portal's
// component specs and the real-browser specs.
module.exports = {
  // Global in multi-project mode (ignored inside a project): real servers and a browser.
  testTimeout: 60_000,
  projects: [
    '<rootDir>/apps/api/jest.config.cjs',
    '<rootDir>/test/jest.e2e.config.cjs',
    '<rootDir>/apps/portal/jest.config.cjs',
    '<rootDir>/test/jest.browser.config.cjs',
  ],
};
