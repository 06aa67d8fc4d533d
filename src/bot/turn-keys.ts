import type { ScreenResult } from '../safety/emergency-screen.js';

/** Turn-state keys shared by the inbound middleware and the dialogs. */
export const EMERGENCY_HANDLED = Symbol('carepoint.emergencyHandled');
export type EmergencyHandled = ScreenResult;
