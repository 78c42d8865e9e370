//! The C API as a table of function pointers, for C code that would rather not link the
//! functions by name.

use core::ffi::c_void;

use crate::*;

/// The C API as a table of function pointers: what the Python extension module hands out as
/// the PyCapsule `"ringscope._ringscope._C_API"`, for C extensions that would rather not link
/// against the module. Each field is the function of the same name with the `ringscope_`
/// prefix.
#[repr(C)]
pub struct RingscopeApi {
    /// `RINGSCOPE_ABI_VERSION` of the library that filled the table.
    pub abi_version: u32,
    /// `sizeof(RingscopeApi)` of the library that filled the table (fields are only appended).
    pub size: usize,
    /// See `ringscope_ring_new`.
    pub ring_new: unsafe extern "C" fn(
        element_size: usize,
        capacity: usize,
        producer: *mut *mut RingscopeProducer,
        consumer: *mut *mut RingscopeConsumer,
    ) -> RingscopeStatus,
    /// See `ringscope_producer_element_size`.
    pub producer_element_size: unsafe extern "C" fn(producer: *const RingscopeProducer) -> usize,
    /// See `ringscope_producer_capacity`.
    pub producer_capacity: unsafe extern "C" fn(producer: *const RingscopeProducer) -> usize,
    /// See `ringscope_producer_write_available`.
    pub producer_write_available: unsafe extern "C" fn(producer: *const RingscopeProducer) -> usize,
    /// See `ringscope_producer_push`.
    pub producer_push: unsafe extern "C" fn(
        producer: *mut RingscopeProducer,
        data: *const c_void,
        n: usize,
    ) -> usize,
    /// See `ringscope_producer_write_regions`.
    pub producer_write_regions: unsafe extern "C" fn(
        producer: *mut RingscopeProducer,
        n: usize,
        regions: *mut RingscopeWriteRegions,
    ) -> usize,
    /// See `ringscope_producer_commit`.
    pub producer_commit: unsafe extern "C" fn(producer: *mut RingscopeProducer, n: usize) -> usize,
    /// See `ringscope_producer_record_dropped`.
    pub producer_record_dropped: unsafe extern "C" fn(producer: *mut RingscopeProducer, n: usize),
    /// See `ringscope_producer_counters`.
    pub producer_counters:
        unsafe extern "C" fn(producer: *const RingscopeProducer) -> RingscopeCounters,
    /// See `ringscope_producer_is_abandoned`.
    pub producer_is_abandoned: unsafe extern "C" fn(producer: *const RingscopeProducer) -> bool,
    /// See `ringscope_producer_release`.
    pub producer_release: unsafe extern "C" fn(producer: *mut RingscopeProducer),
    /// See `ringscope_consumer_element_size`.
    pub consumer_element_size: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_capacity`.
    pub consumer_capacity: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_read_available`.
    pub consumer_read_available: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_pop`.
    pub consumer_pop:
        unsafe extern "C" fn(consumer: *mut RingscopeConsumer, dst: *mut c_void, n: usize) -> usize,
    /// See `ringscope_consumer_read_regions`.
    pub consumer_read_regions: unsafe extern "C" fn(
        consumer: *mut RingscopeConsumer,
        n: usize,
        regions: *mut RingscopeReadRegions,
    ) -> usize,
    /// See `ringscope_consumer_commit`.
    pub consumer_commit: unsafe extern "C" fn(consumer: *mut RingscopeConsumer, n: usize) -> usize,
    /// See `ringscope_consumer_skip`.
    pub consumer_skip: unsafe extern "C" fn(consumer: *mut RingscopeConsumer, n: usize) -> usize,
    /// See `ringscope_consumer_clear`.
    pub consumer_clear: unsafe extern "C" fn(consumer: *mut RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_counters`.
    pub consumer_counters:
        unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> RingscopeCounters,
    /// See `ringscope_consumer_is_abandoned`.
    pub consumer_is_abandoned: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> bool,
    /// See `ringscope_consumer_release`.
    pub consumer_release: unsafe extern "C" fn(consumer: *mut RingscopeConsumer),
}

/// The C API's function table, filled at compile time (nothing to initialise, nothing to
/// free). C code that links the library may use it directly; the Python extension module hands
/// out its address as the capsule `ringscope._ringscope._C_API`.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)] // a C symbol, named like the functions
pub static ringscope_api: RingscopeApi = RingscopeApi {
    abi_version: RINGSCOPE_ABI_VERSION,
    size: size_of::<RingscopeApi>(),
    ring_new: ringscope_ring_new,
    producer_element_size: ringscope_producer_element_size,
    producer_capacity: ringscope_producer_capacity,
    producer_write_available: ringscope_producer_write_available,
    producer_push: ringscope_producer_push,
    producer_write_regions: ringscope_producer_write_regions,
    producer_commit: ringscope_producer_commit,
    producer_record_dropped: ringscope_producer_record_dropped,
    producer_counters: ringscope_producer_counters,
    producer_is_abandoned: ringscope_producer_is_abandoned,
    producer_release: ringscope_producer_release,
    consumer_element_size: ringscope_consumer_element_size,
    consumer_capacity: ringscope_consumer_capacity,
    consumer_read_available: ringscope_consumer_read_available,
    consumer_pop: ringscope_consumer_pop,
    consumer_read_regions: ringscope_consumer_read_regions,
    consumer_commit: ringscope_consumer_commit,
    consumer_skip: ringscope_consumer_skip,
    consumer_clear: ringscope_consumer_clear,
    consumer_counters: ringscope_consumer_counters,
    consumer_is_abandoned: ringscope_consumer_is_abandoned,
    consumer_release: ringscope_consumer_release,
};
