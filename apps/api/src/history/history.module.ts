import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryController } from './history.controller.js';
import { HistoryRecorder } from './history.recorder.js';
import { HistoryRepository } from './history.repository.js';
import { HistoryService } from './history.service.js';

@Module({
  imports: [AuthModule],
  controllers: [HistoryController],
  providers: [HistoryRecorder, HistoryService, HistoryRepository],
  exports: [HistoryRecorder, HistoryRepository],
})
export class HistoryModule {}
