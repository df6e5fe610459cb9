// AdmissionGate: at most N requests of the API run at once; the others wait in arrival order
// (ApiOptions::active_requests, `moneytrail serve --active-requests N`). cpp-httplib serves
// each kept-alive connection on a thread of its own, so a burst of 50 clients makes 50 request
// threads runnable on this machine's 2 cores; behind the gate they take turns in order instead
// of sharing the cores, and a request that waits for its journal entry's durable commit leaves
// the gate meanwhile (workspace::CommitWaitHook) and comes back ahead of new ones. Internal to
// src/server.
//
//   AdmissionGate gate(2);
//   gate.Enter(false);  ... gate.Leave();
#ifndef MONEYTRAIL_SERVER_ADMISSION_GATE_H_
#define MONEYTRAIL_SERVER_ADMISSION_GATE_H_

#include <condition_variable>
#include <deque>
#include <mutex>

namespace moneytrail::server {

class AdmissionGate {
 public:
  explicit AdmissionGate(int limit) : limit_(limit < 1 ? 1 : limit) {}
  // Waits for a turn. `resuming`: a request coming back from its commit wait goes ahead of
  // the requests that have not started (it is nearly done).
  void Enter(bool resuming) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (active_ < limit_ && waiting_.empty()) {
      ++active_;
      return;
    }
    Waiter me;
    if (resuming) waiting_.push_front(&me); else waiting_.push_back(&me);
    me.cv.wait(lock, [&] { return me.admitted; });
  }
  // Ends a turn: hands it to the first waiter, if any.
  void Leave() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiting_.empty()) {
      --active_;
      return;
    }
    Waiter* next = waiting_.front();
    waiting_.pop_front();
    next->admitted = true;
    next->cv.notify_one();
  }

 private:
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  std::mutex mutex_;
  const int limit_;
  int active_ = 0;                // under mutex_
  std::deque<Waiter*> waiting_;   // under mutex_
};

}  // namespace moneytrail::server

#endif  // MONEYTRAIL_SERVER_ADMISSION_GATE_H_
