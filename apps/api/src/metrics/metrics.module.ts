import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { OutboxRepository } from '../mail/outbox.repository.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, OutboxRepository],
  exports: [MetricsService],
})
export class MetricsModule {}
