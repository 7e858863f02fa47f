import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { LoginRequest } from '@feedpass/contracts';

export class LoginDto implements LoginRequest {
  @ApiProperty({ example: 'demo-admin' })
  @IsString()
  @Length(1, 128)
  username: string;

  @ApiProperty({ example: 'feedpass-demo' })
  @IsString()
  @Length(1, 1024)
  password: string;
}
