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

// A kernel without debug=True does not check indices: a stencil that reads a row before the
// first element, or writes a little past the last, must touch mapped memory of this allocation's
// own (reads give zeros), never another allocation's data or unmapped memory.
TEST(CpuDevice, SlackAroundEveryAllocation) {
  CpuDevice dev(1);
  Allocation a = dev.allocate(256), b = dev.allocate(256);
  uint8_t *pa = dev.at(a, 0, 256), *pb = dev.at(b, 0, 256);
  for (long off : {-4096L, -1L, 256L, 4095L + 256})
    EXPECT_EQ(static_cast<volatile uint8_t *>(pa)[off], 0) << off;
  pa[256 + 100] = 0x5a;  // a stray write past the end
  std::vector<uint8_t> out(256, 0xff);
  dev.download(b, 0, out.data(), 256);
  EXPECT_EQ(out, std::vector<uint8_t>(256, 0));
  EXPECT_TRUE(pb + 256 <= pa - 4096 || pa + 256 + 4096 <= pb);  // the slack is not shared
  dev.free(a);
  dev.free(b);
}
