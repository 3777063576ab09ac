import { cpus, release, totalmem, type } from 'node:os';

export interface MachineInfo {
  os: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  node: string;
}

/** What the numbers were measured on: every figure in results/latest.json is only valid for this. */
export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    os: `${type()} ${release()} (${process.platform}/${process.arch})`,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    totalMemoryBytes: totalmem(),
    node: process.version,
  };
}
