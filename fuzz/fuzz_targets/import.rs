//! Format detection and every importer on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadmark_core::fuzzing;

fuzz_target!(|data: &[u8]| fuzzing::import(data));
