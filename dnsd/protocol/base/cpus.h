// How many CPUs this process may run on: what "one per core" means for
// worker threads and for the loads' parallel work.
#ifndef DNSD_PROTOCOL_BASE_CPUS_H_
#define DNSD_PROTOCOL_BASE_CPUS_H_

namespace dnsd {

// The CPUs of this process's affinity mask (taskset, a cpuset cgroup,
// systemd's CPUAffinity=), not every CPU of the machine: more busy threads
// than CPUs only take turns on them. At least 1.
unsigned UsableCpus();

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_BASE_CPUS_H_
