import type { StaffRole } from '../db/tables.ts';

// Who may do what in the console. An admin may do everything; the others only their part.

export const STAFF_ROLES = ['admin', 'moderator', 'verifier'] as const satisfies readonly StaffRole[];
export type { StaffRole };

/** What a console page or action needs. */
export type Permission =
  /** Staff accounts and the service's settings. */
  | 'accounts'
  /** Reports, complaints, flags, merchants' status, publishing. */
  | 'moderate'
  /** Merchants' applications and re-verifications. */
  | 'verify'
  /** Reading merchants and the audit log. */
  | 'read';

const GRANTS: Record<StaffRole, readonly Permission[]> = {
  admin: ['accounts', 'moderate', 'verify', 'read'],
  moderator: ['moderate', 'read'],
  verifier: ['verify', 'read'],
};

export function may(role: StaffRole, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** A signed-in staff member, as every console page sees them. */
export interface StaffMember {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
}

/** The name the audit log keeps for a console action. */
export const consoleActor = (member: StaffMember) => member.email;
