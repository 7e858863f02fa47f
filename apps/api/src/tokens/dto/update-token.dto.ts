import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import type { UpdateTokenRequest } from '@feedpass/contracts';

export class UpdateTokenDto implements UpdateTokenRequest {
  @ApiProperty({ example: 'Laptop', description: '1–100 characters after trimming' })
  @Allow()
  label: string;
}
