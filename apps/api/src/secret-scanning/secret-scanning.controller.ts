import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { KEY_ID_HEADER, SIGNATURE_HEADER, type GitHubAlertLabel } from './github-alerts.js';
import { SecretScanningService } from './secret-scanning.service.js';

/**
 * GitHub secret scanning's partner endpoint (docs/SECRET-SCANNING.md). Public: no session
 * and no XSRF pair (app.factory.ts exempts it); GitHub's signature over the raw body, kept
 * unparsed for this route (`rawBody`), authenticates it.
 */
@ApiTags('secret-scanning')
@Controller('secret-scanning')
export class SecretScanningController {
  constructor(private readonly scanning: SecretScanningService) {}

  @Post('github')
  @HttpCode(200)
  @ApiHeader({ name: KEY_ID_HEADER, description: "The `key_identifier` of GitHub's signing key" })
  @ApiHeader({ name: SIGNATURE_HEADER, description: 'Base64 DER ECDSA P-256 SHA-256 signature' })
  @ApiBody({
    description: 'A JSON array of 1–1000 `{token, type, url, source}`, signed as sent',
    schema: { type: 'array', items: { type: 'object' } },
  })
  @ApiOkResponse({ description: '`[{token_raw, token_type, label}]`, in request order' })
  @ApiUnauthorizedResponse({ description: '`invalid_signature`: nothing was read or changed' })
  @ApiBadRequestResponse({ description: '`invalid_alert`, `payload_too_large`' })
  @ApiNotFoundResponse({ description: 'No secret scanning keys are configured' })
  @ApiServiceUnavailableResponse({ description: 'The key URL could not be fetched' })
  github(@Req() req: Request): Promise<GitHubAlertLabel[]> {
    return this.scanning.receiveGitHub(req.body, req.get(KEY_ID_HEADER), req.get(SIGNATURE_HEADER));
  }
}
