import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { SecretScanningKeyStore } from './key-store.js';
import { SecretScanningController } from './secret-scanning.controller.js';
import { SecretScanningRepository } from './secret-scanning.repository.js';
import { SecretScanningService } from './secret-scanning.service.js';

/** Leaked-token alerts from GitHub secret scanning (SPEC 12). */
@Module({
  imports: [MailModule],
  controllers: [SecretScanningController],
  providers: [SecretScanningService, SecretScanningKeyStore, SecretScanningRepository],
})
export class SecretScanningModule {}
