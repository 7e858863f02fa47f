import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { activeTokenSql } from '@feedpass/domain';
import { executeNamed } from '../database/sql.js';
import { insertHistorySql } from '../history/history.repository.js';

/** A token value GitHub found, by digest, and where it was found. */
export interface LeakedDigest {
  digest: string;
  url: string | null;
  source: string | null;
}

/** A token whose digest an alert named: whether this statement revoked it. */
export interface LeakMatchRow {
  digest: string;
  id: string;
  owner_id: string;
  revoked: boolean;
}

/** The statements of leaked-token alerts. Tokens are found by digest, across tenants. */
@Injectable()
export class SecretScanningRepository {
  /**
   * One statement: finds the tokens of these digests in any tenant, revokes the active ones
   * (reason `leaked`), and writes one `token.revoked` event per revoked token, in the
   * token's own tenant, by the system, with where it was found. A token already revoked or
   * expired (a replayed alert included) is returned with `revoked: false` and left alone.
   * Each digest must appear once.
   */
  revokeLeaked(em: EntityManager, leaks: LeakedDigest[], now: Date): Promise<LeakMatchRow[]> {
    return executeNamed<LeakMatchRow>(
      em,
      `with alerts as (
          select a.digest, a.url, a.source
            from jsonb_to_recordset(:leaks::jsonb) as a(digest text, url text, source text)),
        found as (
          select t.id, t.digest, t.owner_id from access_token t
           where t.digest = any(array(select digest from alerts))),
        revoked as (
          update access_token t
             set revoked_at = :now, revoke_reason = 'leaked', updated_at = :now, next_notice_at = null
           where t.digest = any(array(select digest from alerts)) and ${activeTokenSql(':now', 't')}
          returning t.id, t.digest, t.label, t.tenant_id, t.owner_id),
        events as (
          ${insertHistorySql(`select r.tenant_id, :now as occurred_at, 'token.revoked'::text as type,
                 null::uuid as actor_id, r.owner_id as subject_user_id, r.id as token_id, r.label as token_label,
                 jsonb_build_object('reason', 'leaked', 'url', a.url, 'source', a.source) as details
            from revoked r join alerts a on a.digest = r.digest`)})
      select f.digest, f.id, f.owner_id, (r.id is not null) as revoked
        from found f left join revoked r on r.id = f.id`,
      { leaks: JSON.stringify(leaks), now },
    );
  }
}
