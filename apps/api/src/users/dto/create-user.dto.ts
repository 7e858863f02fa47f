import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, Validate } from 'class-validator';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  ROLES,
  USERNAME_PATTERN,
  USERNAME_RULE,
  type CreateUserRequest,
  type Role,
} from '@feedpass/contracts';
import { IsTimeZone } from './is-time-zone.validator.js';

export class CreateUserDto implements CreateUserRequest {
  @ApiProperty({ example: 'jane.doe', description: USERNAME_RULE })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: `username must be ${USERNAME_RULE}` })
  username: string;

  @ApiProperty({ example: 'jane@example.com' })
  @IsString()
  @Length(3, 254)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ example: 'Jane Doe' })
  @IsString()
  @Length(1, 100)
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  })
  password: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' })
  @IsOptional()
  @IsString()
  @Validate(IsTimeZone)
  timeZone?: string;
}
