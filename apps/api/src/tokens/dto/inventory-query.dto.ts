import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { TOKEN_STATUSES, type TokenStatus } from '@feedpass/contracts';

export class InventoryQueryDto {
  @ApiPropertyOptional({ description: 'Only this owner’s tokens' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ enum: TOKEN_STATUSES })
  @IsOptional()
  @IsIn(TOKEN_STATUSES, { message: `status must be one of ${TOKEN_STATUSES.join(', ')}` })
  status?: TokenStatus;

  @ApiPropertyOptional({ description: 'Only tokens expiring before this instant (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresBefore?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cursor?: string;
}
