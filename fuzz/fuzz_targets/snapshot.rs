//! Fuzzes the snapshot loader and validator, then the engine on whatever loads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ccg_explorer::fuzzing::snapshot(data));
