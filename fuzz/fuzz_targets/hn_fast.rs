//! The Hacker News fast path against the general conversion: whenever the fast
//! path reads the input (as bytes, or as the HN-like HTML the bytes spell), its
//! body must equal `convert`'s.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadmark_core::fuzzing;

fuzz_target!(|data: &[u8]| fuzzing::hn_fast_path(data));
