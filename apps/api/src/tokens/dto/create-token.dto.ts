import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import type { TokenScopeRequest } from '@feedpass/contracts';
import { parseIsoDateTime } from '@feedpass/domain';
import { Check } from '../../common/validation.js';
import type { NewToken } from '../tokens.service.js';
import { IsTokenLabel } from './token-label.js';
import { IsTokenScope } from './token-scope.js';

/**
 * A new token: its label (`400 invalid_label`) and an optional expiry, an ISO-8601
 * date-time turned into a Date here (`400 validation_failed`), and an optional scope
 * (`400 invalid_scope` when ill-formed). Whether the policy allows that expiry (`expiry_*`)
 * and whether the owner can read each data source of the scope are the service's rules.
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

  @ApiPropertyOptional({
    example: { kind: 'data_sources', dataSourceIds: ['0b9c1b7e-8f7e-4c1a-9d55-3f3f2a7b1c10'] },
    description:
      'Omit (or {"kind":"all"}) for every data source you can read; {"kind":"data_sources",' +
      '"dataSourceIds":[…]} for only those (1–50 distinct ids of data sources you own or were shared)',
  })
  @IsTokenScope()
  scope?: TokenScopeRequest;
}
