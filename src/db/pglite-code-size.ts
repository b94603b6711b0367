import { setFlagsFromString } from 'node:v8';

/**
 * Makes V8 compile PGlite's WebAssembly (PostgreSQL, about 10 MB of it) only with its baseline compiler
 * (Liftoff), function by function as they are first called, for a long-running bot on the embedded
 * database: by default V8 compiles every function up front and recompiles the hot ones with its
 * optimising compiler (TurboFan), which held ~65 MB of code in a bot process (bench/README.md, third pass).
 * The queries a bot runs are small, so their speed barely changes; one-shot commands (`import`, `eval`)
 * keep the optimised code.
 *
 * Must run before PGlite is first created in the process (V8 reads the flags when it compiles a module).
 */
export function compileEmbeddedDatabaseForSize(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--wasm-lazy-compilation');
}
