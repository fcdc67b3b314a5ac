//! The bounded reader, size parsing, encoding detection and the ordinary-text check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadmark_core::fuzzing;

fuzz_target!(|data: &[u8]| fuzzing::input(data));
