import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import {
  POLICY_MODES,
  REVOKE_UNUSED_DAYS_MAX,
  REVOKE_UNUSED_DAYS_MIN,
  type PolicyMode,
  type UpdatePolicyRequest,
} from '@feedpass/contracts';
import { validatePolicy, type PolicyChange } from '@feedpass/domain';
import { Check } from '../../common/validation.js';

const problem = (dto: object) => {
  const checked = validatePolicy(dto as UpdatePolicyRequest);
  return checked.ok ? null : checked;
};

/**
 * A policy as an admin submits it. The fields depend on each other (the mode decides what
 * lifetimeDays may be), so the whole body is checked by the domain's rule
 * (`validatePolicy`), answered `400 invalid_policy` with its message.
 */
export class UpdatePolicyDto implements UpdatePolicyRequest {
  @ApiProperty({ enum: POLICY_MODES })
  @Check(
    'isPolicy',
    (_, dto) => !problem(dto),
    'invalid_policy',
    (args) => problem(args.object)?.message ?? '',
  )
  mode: PolicyMode;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 3650,
    description: 'null for mode none',
  })
  @Allow()
  lifetimeDays: number | null;

  @ApiProperty({
    type: [Number],
    example: [7, 1],
    description: '0–5 distinct whole days from 1 to 90',
  })
  @Allow()
  notifyDaysBefore: number[];

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: REVOKE_UNUSED_DAYS_MIN,
    maximum: REVOKE_UNUSED_DAYS_MAX,
    description:
      'revoke active tokens unused for this many days (from the last use, or minting); null: never; omitted: unchanged',
  })
  @Allow()
  revokeUnusedAfterDays?: number | null;

  @ApiPropertyOptional({
    description: 'fixed/max only: shorten active tokens that outlive the new limit',
  })
  @Allow()
  applyToExisting?: boolean;

  /**
   * The rules, normalised (notice days largest first; revokeUnusedAfterDays only when sent).
   * Call only once validated.
   */
  rules(): PolicyChange {
    const checked = validatePolicy(this);
    if (!checked.ok) throw new Error('UpdatePolicyDto.rules() before validation');
    return checked.value;
  }
}
