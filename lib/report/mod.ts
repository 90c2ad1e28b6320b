/** Reporting: the machine a figure was measured on. */
export { type MachineInfo, machineInfo, slug } from "./machine.ts";
