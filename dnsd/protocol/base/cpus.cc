#include "dnsd/protocol/base/cpus.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace dnsd {

unsigned UsableCpus() {
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&cpus)));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace dnsd
