//! Fuzzes the scenario loader, then applies what parses to the England record.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ccg_explorer::fuzzing::scenario(data));
