export interface Health {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  version: string;
}
