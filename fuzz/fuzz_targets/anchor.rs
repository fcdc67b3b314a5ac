//! Re-anchoring a highlight after its post changed, on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadmark_core::fuzzing;

fuzz_target!(|data: &[u8]| fuzzing::anchor(data));
