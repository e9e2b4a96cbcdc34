#pragma once
// The launch description of one compiled kernel: plain data, the same for a kernel compiled
// just now (JIT) and one loaded from an ahead-of-time module, so both launch the same way.
// Knows nothing of the IR or LLVM; to_json/from_json give the manifest form.
#include <cstdint>
#include <string>
#include <vector>

namespace qtaichi::rt {

enum class TaskKind { serial, range_for };

struct TaskDesc {
  TaskKind kind = TaskKind::serial;
  std::string symbol;           // the task's entry point in the executable
  int64_t begin = 0, end = 0;   // constant bounds of a range-for
  // >= 0: the bound is an i32 that an earlier task of the launch wrote at this byte offset of
  // the temp buffer (read where the task starts, never by the host between tasks).
  int64_t begin_temp = -1, end_temp = -1;
  int block_dim = 0;            // threads per block (GPU) / chunk size (CPU); 0: the default
  bool operator==(const TaskDesc &) const = default;
};

// A backend's own task record (anything with range_for, symbol, begin, end, begin_temp,
// end_temp) as the launch description has it.
template <typename Task>
TaskDesc task_desc_of(const Task &t, int64_t block_dim) {
  TaskDesc d;
  d.kind = t.range_for ? TaskKind::range_for : TaskKind::serial;
  d.symbol = t.symbol;
  d.begin = t.begin;
  d.end = t.end;
  d.begin_temp = t.begin_temp;
  d.end_temp = t.end_temp;
  d.block_dim = static_cast<int>(block_dim);
  return d;
}

// A kernel argument: a scalar (one 64-bit slot) or an ndarray (its data, then one slot per
// dimension of its shape).
struct ArgDesc {
  std::string name;
  std::string dtype;  // a primitive type name: i32, f32, ...
  int ndim = 0;       // 0: a scalar
  int slot = 0;       // its first slot in the argument buffer
  bool operator==(const ArgDesc &) const = default;
};

// What the running kernel touches, in binding order (the runtime context, described once).
enum class BindingKind { tree, ndarray, temps, args, result, error };

struct BindingDesc {
  BindingKind kind = BindingKind::tree;
  int index = 0;  // the tree id, or the ndarray argument; 0 otherwise
  bool operator==(const BindingDesc &) const = default;
};

// A check that can fail at run time; error code k + 1 is assertions[k].
struct AssertionDesc {
  std::string message;  // %d / %f take the recorded values in order
  std::string file;
  int line = 0;
  int num_args = 0;
  bool index_check = false;  // an index out of range (TaichiIndexError) rather than an assert
  bool operator==(const AssertionDesc &) const = default;
};

// An assertion's message with its recorded values: each %d (an integer) or %f (the bits of a
// double) takes the next one.
std::string format_assertion(const AssertionDesc &a, const int64_t *args);

// Bytes of one element of a primitive type named as in ArgDesc::dtype; 0 for an unknown name.
int dtype_bytes(const std::string &dtype);

// A print statement, for devices that return print records instead of calling printf: its
// items in order, each a string or a value ("i" signed, "u" unsigned, "f" float).
struct PrintDesc {
  std::vector<std::string> items;  // "s:<text>" or "v:i" / "v:u" / "v:f"
  bool operator==(const PrintDesc &) const = default;
};

constexpr int kMaxResults = 16;  // result slots of a launch: a 4x4 matrix

struct KernelDesc {
  std::string name;
  std::vector<ArgDesc> args;
  int num_arg_slots = 0;
  std::string ret_type;  // "void" or a primitive type name
  int ret_count = 1;     // result slots: 1, or a vector/matrix return's entries (<= kMaxResults)
  int64_t temp_bytes = 0;
  std::vector<BindingDesc> bindings;
  std::vector<TaskDesc> tasks;
  std::vector<AssertionDesc> assertions;
  bool prints = false;  // has print statements (a GPU device waits for them after the launch)
  std::vector<PrintDesc> print_formats;  // by print id (ir::prints_in_order)
  bool operator==(const KernelDesc &) const = default;

  std::string to_json() const;
  // Throws std::runtime_error naming what is missing or malformed.
  static KernelDesc from_json(const std::string &text);
};

// The lines a print buffer holds (see runtime/context.h), formatted as printf would, with a
// note when records did not fit.
std::string format_print_records(const KernelDesc &desc, const uint32_t *buffer);

}  // namespace qtaichi::rt
