import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { ROLES, type Role, type SsoTestRequest, type UpdateSsoRequest } from '@feedpass/contracts';

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export class UpdateSsoDto implements UpdateSsoRequest {
  @ApiProperty({ example: 'https://login.microsoftonline.com/{tenant-id}/v2.0' })
  @IsString()
  @Length(8, 500)
  issuer: string;

  @ApiProperty()
  @IsString()
  @Length(1, 255)
  clientId: string;

  @ApiPropertyOptional({ description: 'Write-only; left out keeps the stored secret' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  clientSecret?: string;

  @ApiProperty({ example: 'Sign in with Contoso' })
  @IsString()
  @Length(1, 60)
  displayName: string;

  @ApiProperty({ example: ['contoso.com'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(DOMAIN, {
    each: true,
    message: 'allowedDomains must be domain names such as contoso.com',
  })
  allowedDomains: string[];

  @ApiProperty()
  @IsBoolean()
  autoCreate: boolean;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `defaultRole must be one of ${ROLES.join(', ')}` })
  defaultRole: Role;

  @ApiProperty()
  @IsBoolean()
  passwordSignIn: boolean;

  @ApiProperty()
  @IsBoolean()
  enabled: boolean;
}

export class SsoTestDto implements SsoTestRequest {
  @ApiPropertyOptional({ description: 'Defaults to the saved issuer' })
  @IsOptional()
  @IsString()
  @Length(8, 500)
  issuer?: string;
}
