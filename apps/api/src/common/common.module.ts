import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';

/** The process-wide singletons every module may inject: configuration and clock. */
@Global()
@Module({})
export class CommonModule {
  static with(providers: Provider[]): DynamicModule {
    return { module: CommonModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
