//! The hn importer alone on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadmark_core::{fuzzing, SourceFormat};

fuzz_target!(|data: &[u8]| fuzzing::import_as(SourceFormat::Hn, data));
