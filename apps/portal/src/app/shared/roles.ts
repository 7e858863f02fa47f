import { ROLES, type Role } from '@feedpass/contracts';

const ROLE_LABELS: Readonly<Record<Role, string>> = { user: 'User', admin: 'Admin' };

/** What the portal calls a role. */
export const roleLabel = (role: Role): string => ROLE_LABELS[role];

/** The roles to choose from, as the user dialogs and the SSO settings offer them. */
export const ROLE_OPTIONS: readonly { value: Role; label: string }[] = ROLES.map((value) => ({
  value,
  label: roleLabel(value),
}));
