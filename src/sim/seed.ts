/** The simulator's default seed: the same season every time unless asked otherwise. */
export const DEFAULT_SEED = 20252026;
