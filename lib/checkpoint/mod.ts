/**
 * Checkpoints: atomic save, checksum verification, and loading the newest good one.
 *
 * @module
 */
export {
  type CheckpointData,
  type CheckpointInfo,
  CheckpointManager,
  type CheckpointManagerOptions,
  type VerifyResult,
} from "./checkpoint_manager.ts";
