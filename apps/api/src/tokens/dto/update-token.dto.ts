import { ApiProperty } from '@nestjs/swagger';
import type { UpdateTokenRequest } from '@feedpass/contracts';
import { IsTokenLabel } from './token-label.js';

export class UpdateTokenDto implements UpdateTokenRequest {
  @ApiProperty({ example: 'Laptop', description: '1–100 characters after trimming' })
  @IsTokenLabel()
  label: string;
}
