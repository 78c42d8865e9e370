//! The process's resident memory, for leak checks.

/// Resident set size of this process in bytes, from `/proc/self/statm` (its second field counts
/// resident pages).
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("reading /proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("the resident page count in /proc/self/statm");
    // SAFETY: sysconf has no preconditions.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * u64::try_from(page_size).expect("a positive page size")
}

/// Resident set size after asking glibc to hand freed heap memory back to the system
/// (`malloc_trim(0)`): closer to the memory still in use, so leak checks see less allocator noise.
pub fn trimmed_resident_bytes() -> u64 {
    // SAFETY: malloc_trim only releases free memory; it is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
    resident_bytes()
}

/// Bytes glibc's malloc has handed out and not had back, over all arenas (`mallinfo2`: in-use
/// chunks plus mmapped ones): every allocation of the plugin, its frameworks and the C libraries
/// below them (Mesa, libX11, xkbcommon), without the allocator's free memory that resident size
/// also counts.
pub fn heap_in_use_bytes() -> u64 {
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd) as u64
}

/// Formats a byte count in MiB.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// How many file descriptors this process has open (`/proc/self/fd`).
pub fn open_file_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("listing /proc/self/fd")
        .count()
}

#[cfg(test)]
mod tests {
    #[test]
    fn touching_memory_raises_the_resident_size() {
        let before = super::resident_bytes();
        let block = vec![1u8; 64 << 20];
        let after = super::resident_bytes();
        assert!(after >= before + (48 << 20), "{before} -> {after}");
        drop(block);
    }
}
