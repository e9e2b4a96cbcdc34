// rt::CpuDevice's memory operations: zeroed allocations, upload/download/copy/fill by byte range,
// and a clear error for a range outside an allocation or an unknown allocation.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "runtime/cpu/cpu_device.h"

using namespace qtaichi::rt;

TEST(CpuDevice, MemoryOperations) {
  CpuDevice dev(1);
  Allocation a = dev.allocate(16), b = dev.allocate(16);
  ASSERT_TRUE(a.valid() && b.valid());
  EXPECT_NE(a.id, b.id);
  std::vector<uint8_t> out(16, 0xff);
  dev.download(a, 0, out.data(), 16);
  EXPECT_EQ(out, std::vector<uint8_t>(16, 0));  // zero-filled
  uint8_t data[4] = {1, 2, 3, 4};
  dev.upload(a, 4, data, 4);
  dev.copy(b, 8, a, 4, 4);
  dev.fill(b, 0, 2, 7);
  dev.download(b, 0, out.data(), 16);
  EXPECT_EQ(out, (std::vector<uint8_t>{7, 7, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0}));
  // The allocation is padded to 64 bytes; beyond that is an error, not a stray write.
  EXPECT_THROW(dev.upload(a, 60, data, 8), std::out_of_range);
  dev.free(a);
  EXPECT_THROW(dev.download(a, 0, out.data(), 1), std::invalid_argument);
  dev.free(b);
}
