// Global runtime flags, modelled on `jax.config`.
//
// tsgrad defaults to `enableX64 = true` because JS numbers are float64; JAX's
// own default is the opposite. `threefryPartitionable` selects JAX's
// `jax_threefry_partitionable` PRNG mode (default off = JAX's classic streams).

export type ConfigName = "enableX64" | "threefryPartitionable";

export interface Config {
  /** When true, the default float dtype is float64 (JAX's `jax_enable_x64`). */
  enableX64: boolean;
  /** When true, use JAX's partitionable threefry streams (`jax_threefry_partitionable`). */
  threefryPartitionable: boolean;
  /** Set a flag by name, like `jax.config.update(name, value)`. */
  update(name: ConfigName | string, value: boolean): void;
}

const KNOWN: readonly string[] = ["enableX64", "threefryPartitionable"];

export const config: Config = {
  enableX64: true,
  threefryPartitionable: false,
  update(name: string, value: boolean): void {
    if (!KNOWN.includes(name)) {
      throw new Error(
        `config.update: unknown flag "${name}"; known flags are ${KNOWN.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    if (typeof value !== "boolean") {
      throw new TypeError(`config.update("${name}", value): value must be a boolean, got ${typeof value}`);
    }
    (config as unknown as Record<string, boolean>)[name] = value;
  },
};
