import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import type { CreateTokenRequest } from '@feedpass/contracts';

/**
 * Field names are checked here (unknown fields: `400 validation_failed`); the values
 * follow the token rules in the service (`invalid_label`, `expiry_*`).
 */
export class CreateTokenDto implements CreateTokenRequest {
  @ApiProperty({ example: 'Power BI service refresh', description: '1–100 characters after trimming' })
  @Allow()
  label: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2027-01-31T23:59:59Z',
    description: 'ISO-8601. Omit for the policy default; null for no expiry (mode none only)',
  })
  @Allow()
  expiresAt?: string | null;
}
