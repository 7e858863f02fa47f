/** Every error response of `/api` has this shape; `code` is stable, `message` for people. */
export interface ApiError {
  statusCode: number;
  /** Stable, snake_case, safe to switch on. */
  code: ErrorCode;
  /** Human-readable; says what is wrong. */
  message: string;
}

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_credentials',
  'account_deactivated',
  'unauthenticated',
  'forbidden',
  'xsrf',
  'not_found',
  'too_many_requests',
  'username_taken',
  'cannot_deactivate_self',
  'invalid_label',
  'active_token_limit',
  'expiry_not_allowed',
  'expiry_required',
  'expiry_out_of_range',
  'token_not_rotatable',
  'invalid_scope',
  'out_of_scope',
  'invalid_signature',
  'invalid_alert',
  'invalid_policy',
  'invalid_cursor',
  'invalid_data_source',
  'cannot_share_with_self',
  'invalid_row_filter',
  'user_deactivated',
  'already_owner',
  'invalid_link',
  'wrong_password',
  'weak_password',
  'last_admin',
  'no_pending_invitation',
  'invalid_sso',
  'sso_issuer_unreachable',
  'sso_not_configured',
  'sso_required',
  'conflict',
  'internal_error',
  'service_unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
