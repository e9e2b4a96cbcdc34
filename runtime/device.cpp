#include "runtime/device.h"

#include <stdexcept>

namespace qtaichi::rt {

std::unique_ptr<Executable> Device::load(const std::string &, const std::vector<TaskDesc> &) {
  throw std::runtime_error(name() + " device: loading compiled code from an artifact is not "
                           "supported here");
}

}  // namespace qtaichi::rt
