//! Opening the library for a command: read commands need an existing library and
//! work on a read-only one; write commands create a missing one and refuse a
//! read-only one before changing anything.

use std::path::PathBuf;

use threadmark_core::{default_library_path, Error, Library, Result};

/// What a command does to the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only reads: a missing library is an error, a read-only one is fine.
    Read,
    /// Writes: a missing library is created, a read-only one is refused.
    Write,
}

/// Open the library at `db` (else the default one) for `access`.
pub fn open(db: Option<PathBuf>, access: Access) -> Result<Library> {
    let path = match db {
        Some(p) => p,
        None => default_library_path()?,
    };
    if access == Access::Read && !path.exists() {
        return Err(Error::not_found(
            "there is no library here; import a thread to create one (threadmark import FILE)",
        )
        .in_file(&path));
    }
    let lib = Library::open(&path)?;
    if access == Access::Write {
        lib.ensure_writable()?;
    }
    Ok(lib)
}
