import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { POLICY_MODES, type PolicyMode, type UpdatePolicyRequest } from '@feedpass/contracts';

/**
 * Only the field names are checked here (unknown fields are `400 validation_failed`);
 * the values are the domain's rule (`validatePolicy`), answered `400 invalid_policy`.
 */
export class UpdatePolicyDto implements UpdatePolicyRequest {
  @ApiProperty({ enum: POLICY_MODES })
  @Allow()
  mode: PolicyMode;

  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 3650, description: 'null for mode none' })
  @Allow()
  lifetimeDays: number | null;

  @ApiProperty({ type: [Number], example: [7, 1], description: '0–5 distinct whole days from 1 to 90' })
  @Allow()
  notifyDaysBefore: number[];

  @ApiPropertyOptional({ description: 'fixed/max only: shorten active tokens that outlive the new limit' })
  @Allow()
  applyToExisting?: boolean;
}
