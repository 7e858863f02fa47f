/**
 * `GET /api/health` and `/api/health/ready` when all is well. When not, they answer 503
 * with the usual error body (`code: service_unavailable`) plus `database` (`up` or `down`),
 * `version` and, for readiness, `pendingMigrations`.
 */
export interface Health {
  status: 'ok';
  database: 'up';
  version: string;
}

export interface Readiness extends Health {
  pendingMigrations: string[];
}
