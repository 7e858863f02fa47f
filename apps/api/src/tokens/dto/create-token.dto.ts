import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { parseIsoDateTime } from '@feedpass/domain';
import { Check } from '../../common/validation.js';
import type { NewToken } from '../tokens.service.js';
import { IsTokenLabel } from './token-label.js';

/**
 * A new token: its label (`400 invalid_label`) and an optional expiry, an ISO-8601
 * date-time turned into a Date here (`400 validation_failed`). Whether the policy allows
 * that expiry (`expiry_*`) is the service's rule.
 */
export class CreateTokenDto implements NewToken {
  @ApiProperty({
    example: 'Power BI service refresh',
    description: '1–100 characters after trimming',
  })
  @IsTokenLabel()
  label: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2027-01-31T23:59:59Z',
    description: 'ISO-8601. Omit for the policy default; null for no expiry (mode none only)',
  })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (parseIsoDateTime(value) ?? value) : value,
  )
  @Check(
    'isExpiry',
    (value) => value === undefined || value === null || value instanceof Date,
    'validation_failed',
    'expiresAt must be an ISO-8601 date-time such as 2027-01-31T23:59:59Z, or null',
  )
  expiresAt?: Date | null;
}
