// Counts every allocation of a test binary, for the tests that pin the
// query path allocation-free (dnsd/pipeline_alloc_test.cc, the SPF terms
// answer, the dnstap hand-off): linking dnsd_allocation_counter replaces
// the global operator new and delete, so such a test is a binary of its own.
#ifndef DNSD_TESTING_ALLOCATION_COUNTER_H_
#define DNSD_TESTING_ALLOCATION_COUNTER_H_

namespace dnsd::testing {

// Allocations made through operator new since the program started.
long AllocationCount();

}  // namespace dnsd::testing

#endif  // DNSD_TESTING_ALLOCATION_COUNTER_H_
