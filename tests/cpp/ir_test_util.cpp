#include "ir_test_util.h"

#include "ir/pipeline.h"

namespace qtaichi::testing {

void run_passes_before(ir::Kernel &k, const std::string &pass_name) {
  for (const auto &[name, pass] : ir::pipeline_passes()) {
    if (name == pass_name) return;
    pass(k);
  }
  ADD_FAILURE() << "no pass named " << pass_name << " in the pipeline";
}

}  // namespace qtaichi::testing
