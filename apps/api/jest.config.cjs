// Unit specs of the API and the libraries: pure rules, no database.
const base = require('../../test/jest.swc.cjs');

module.exports = {
  ...base,
  displayName: 'unit',
  testMatch: ['<rootDir>/apps/api/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
};
