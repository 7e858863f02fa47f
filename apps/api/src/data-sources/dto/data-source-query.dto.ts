import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import {
  DATA_SOURCE_SCOPES,
  PREVIEW_ROWS_DEFAULT,
  PREVIEW_ROWS_MAX,
  type DataSourceScope,
} from '@feedpass/contracts';

/** `GET /api/data-sources?q=&scope=`. */
export class ListDataSourcesQueryDto {
  @ApiPropertyOptional({ description: 'Part of the name, any case' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: DATA_SOURCE_SCOPES, default: 'all' })
  @IsOptional()
  @IsIn(DATA_SOURCE_SCOPES)
  scope?: DataSourceScope;
}

/** `GET /api/admin/data-sources?ownerId=&q=`. */
export class AdminDataSourcesQueryDto {
  @ApiPropertyOptional({ description: 'Only this owner’s' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Part of the name, any case' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

/** `GET /api/data-sources/:id/preview?table=&top=`. */
export class PreviewQueryDto {
  @ApiPropertyOptional({ description: 'A published table' })
  @IsString()
  @Length(1, 128)
  table: string;

  @ApiPropertyOptional({ default: PREVIEW_ROWS_DEFAULT, maximum: PREVIEW_ROWS_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PREVIEW_ROWS_MAX)
  top?: number;
}
