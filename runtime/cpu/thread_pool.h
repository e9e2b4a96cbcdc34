#pragma once
// A fixed pool of worker threads that runs a range [begin, end) in chunks. The calling thread
// works too, so a pool of N threads uses N-1 workers.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace qtaichi::rt {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);  // 0: one per hardware thread
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int num_threads() const { return num_threads_; }
  // Calls fn(chunk_begin, chunk_end) over [begin, end) split into chunks of at most `grain`
  // (0: one contiguous chunk per thread; ti.loop_config(block_dim=N) asks for chunks of N,
  // which balance uneven work dynamically); returns when every chunk is done.
  void parallel_for(int64_t begin, int64_t end, int64_t grain,
                    const std::function<void(int64_t, int64_t)> &fn);

 private:
  void worker_loop();
  void run_chunks();

  int num_threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  // The job in flight.
  const std::function<void(int64_t, int64_t)> *fn_ = nullptr;
  int64_t end_ = 0, grain_ = 1;
  std::atomic<int64_t> next_{0};
  int64_t generation_ = 0;
  int busy_ = 0;
  bool stop_ = false;
};

}  // namespace qtaichi::rt
