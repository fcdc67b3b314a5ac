//! The typed Algolia reader against the general JSON path: whenever it reads the
//! input, the thread must be the one the general path reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadmark_core::fuzzing;

fuzz_target!(|data: &[u8]| fuzzing::hn_json_agrees(data));
