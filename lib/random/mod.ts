/**
 * Seeded random numbers shared by every area (weight init, batch sampling,
 * generation). One seed drives them all.
 *
 * @module
 */
export { Rng, type RngState } from "./rng.ts";
