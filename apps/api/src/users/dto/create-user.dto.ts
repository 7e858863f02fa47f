import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  Validate,
  ValidateIf,
} from 'class-validator';
import {
  DISPLAY_NAME_MAX,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  ROLES,
  USERNAME_PATTERN,
  USERNAME_RULE,
  type CreateUserRequest,
  type Role,
} from '@feedpass/contracts';
import { Check } from '../../common/validation.js';
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
  @Length(1, DISPLAY_NAME_MAX)
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: 'Required unless `invite` is true; refused with it',
  })
  @ValidateIf((o: CreateUserDto) => o.invite !== true || o.password !== undefined)
  @Check(
    'noPasswordWithInvite',
    (value, o) => !((o as CreateUserDto).invite === true && value !== undefined),
    'validation_failed',
    'password must not be given with invite: the invitee sets their own',
  )
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  })
  password?: string;

  @ApiPropertyOptional({
    description: 'Email the user a link to set their own password (7 days, single use)',
  })
  @IsOptional()
  @IsBoolean()
  invite?: boolean;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' })
  @IsOptional()
  @IsString()
  @Validate(IsTimeZone)
  timeZone?: string;
}
