import type { ScreenResult } from '../safety/emergency-screen.js';

/** Turn-state key set by the inbound middleware and read by the dialogs. */
export const EMERGENCY_HANDLED = Symbol('carepoint.emergencyHandled');
export type EmergencyHandled = ScreenResult;
