//! The virtual file system: which files exist, how big they are, and how
//! long the disk takes to serve each request a pool thread makes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Node's `fs.readFile` reads a file of known size in chunks of this many
/// bytes (`kReadFileBufferLength` in lib/internal/fs/utils.js, Node v20).
pub const READ_FILE_CHUNK_BYTES: u64 = 512 * 1024;

/// How long each kind of request takes on the disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskModel {
    /// Fixed cost of opening a file (path lookup, permissions).
    pub open_us: u64,
    /// Cost of an `fstat`.
    pub stat_us: u64,
    /// Fixed cost of each `read` system call, before bytes move.
    pub read_latency_us: u64,
    /// Sustained read throughput, in bytes per millisecond.
    pub read_bytes_per_ms: u64,
    /// Cost of a `close`.
    pub close_us: u64,
}

impl Default for DiskModel {
    fn default() -> DiskModel {
        // An SSD behind the page cache: ~1 GB/s, sub-millisecond syscalls.
        DiskModel { open_us: 60, stat_us: 20, read_latency_us: 80, read_bytes_per_ms: 1_000_000, close_us: 20 }
    }
}

impl DiskModel {
    /// Virtual time a pool thread spends in one `read` of `bytes` bytes.
    pub fn read_us(&self, bytes: u64) -> u64 {
        let per_ms = self.read_bytes_per_ms.max(1);
        self.read_latency_us + bytes.saturating_mul(1000) / per_ms
    }
}

/// The files a scenario's code can see.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualFs {
    pub files: BTreeMap<String, u64>,
    pub disk: DiskModel,
}

impl VirtualFs {
    pub fn with_file(mut self, path: &str, size_bytes: u64) -> VirtualFs {
        self.files.insert(path.to_string(), size_bytes);
        self
    }

    pub fn size_of(&self, path: &str) -> Option<u64> {
        self.files.get(path).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_cost_grows_with_bytes() {
        let disk = DiskModel::default();
        assert_eq!(disk.read_us(0), disk.read_latency_us);
        assert_eq!(disk.read_us(1_000_000), disk.read_latency_us + 1000);
    }
}
