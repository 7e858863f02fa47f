import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Validate } from 'class-validator';
import {
  DISPLAY_NAME_MAX,
  type AcceptInvitationRequest,
  type ChangePasswordRequest,
  type CompletePasswordResetRequest,
  type PasswordResetRequest,
  type UpdateProfileRequest,
} from '@feedpass/contracts';
import { IsTimeZone } from '../../users/dto/is-time-zone.validator.js';
import { IsLinkSecret, IsNewPassword } from './password-rules.js';

export class UpdateProfileDto implements UpdateProfileRequest {
  @ApiPropertyOptional({ example: 'Jane Doe' })
  @IsOptional()
  @IsString()
  @Length(1, DISPLAY_NAME_MAX)
  displayName?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin' })
  @IsOptional()
  @IsString()
  @Validate(IsTimeZone)
  timeZone?: string;
}

export class ChangePasswordDto implements ChangePasswordRequest {
  @ApiProperty()
  @IsString()
  @Length(1, 1024)
  currentPassword: string;

  @ApiProperty({ description: 'The password rule; `weak_password` otherwise' })
  @IsNewPassword('newPassword')
  newPassword: string;
}

export class PasswordResetDto implements PasswordResetRequest {
  @ApiProperty({ example: 'jane.doe' })
  @IsString()
  @Length(1, 128)
  username: string;
}

export class CompletePasswordResetDto implements CompletePasswordResetRequest {
  @ApiProperty({ description: 'The secret after `#` in the email link' })
  @IsLinkSecret()
  token: string;

  @ApiProperty({ description: 'The password rule; `weak_password` otherwise' })
  @IsNewPassword('newPassword')
  newPassword: string;
}

export class AcceptInvitationDto implements AcceptInvitationRequest {
  @ApiProperty({ description: 'The secret after `#` in the email link' })
  @IsLinkSecret()
  token: string;

  @ApiProperty({ description: 'The password rule; `weak_password` otherwise' })
  @IsNewPassword('password')
  password: string;
}
