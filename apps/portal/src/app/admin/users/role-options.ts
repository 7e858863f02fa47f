import type { Role } from '@feedpass/contracts';

/** The roles an admin can give, as the user dialogs offer them. */
export const ROLE_OPTIONS: readonly { value: Role; label: string }[] = [
  { value: 'user', label: 'User' },
  { value: 'admin', label: 'Admin' },
];
