import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { ShareDataSourceRequest } from '@feedpass/contracts';

export class ShareDataSourceDto implements ShareDataSourceRequest {
  @ApiPropertyOptional({ description: 'The recipient’s id …' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: '… or username (one of the two)' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  username?: string;
}
