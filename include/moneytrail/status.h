// Status and Result<T>: how every moneytrail function that depends on input, data or the
// environment reports failure. No exception crosses a module boundary (STYLE.md).
//
// Example:
//   Result<Store> store = Store::Open(dir);
//   if (!store.ok()) return store.status();
//   MT_ASSIGN_OR_RETURN(Store s, Store::Open(dir));
//   MT_RETURN_IF_ERROR(writer.Commit());
//
// Codes follow absl's canonical codes; the CLI maps them to exit codes in one table
// (tools/moneytrail/exit_codes.h).
#ifndef MONEYTRAIL_STATUS_H_
#define MONEYTRAIL_STATUS_H_

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace moneytrail {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kNotFound = 5,
  kPermissionDenied = 7,
  kAlreadyExists = 6,
  kFailedPrecondition = 9,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kDataLoss = 15,
  kUnauthenticated = 16,
  kResourceExhausted = 8,
  kIoError = 100,  // Not in absl: an operating-system I/O failure (open, write, fsync, rename).
};

// Returns the code's name, e.g. "InvalidArgument".
std::string_view StatusCodeName(StatusCode code);

// A success or an error code with a message. Cheap to copy when ok (no allocation).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string_view message);

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // The message without the code name; empty when ok.
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "context: message". No effect when ok.
  Status WithContext(std::string_view context) const;

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;  // shared: Status is copied freely and is immutable.
};

Status InvalidArgumentError(std::string_view message);
Status NotFoundError(std::string_view message);
Status AlreadyExistsError(std::string_view message);
Status FailedPreconditionError(std::string_view message);
Status OutOfRangeError(std::string_view message);
Status UnimplementedError(std::string_view message);
Status InternalError(std::string_view message);
Status DataLossError(std::string_view message);
Status ResourceExhaustedError(std::string_view message);
Status PermissionDeniedError(std::string_view message);
Status UnauthenticatedError(std::string_view message);
Status IoError(std::string_view message);
// An IoError whose message ends with strerror(errno_value).
Status ErrnoError(std::string_view what, int errno_value);

// Either a value of type T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}                 // NOLINT: implicit by design
  Result(T&& value) : value_(std::move(value)) {}           // NOLINT
  Result(Status status) : status_(std::move(status)) {      // NOLINT
    if (status_.ok()) std::abort();  // A Result must not hold an ok Status without a value.
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace moneytrail

#define MT_STATUS_CONCAT_INNER_(a, b) a##b
#define MT_STATUS_CONCAT_(a, b) MT_STATUS_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (a Status) is not ok.
#define MT_RETURN_IF_ERROR(expr)                              \
  do {                                                        \
    ::moneytrail::Status mt_status_ = (expr);                 \
    if (!mt_status_.ok()) return mt_status_;                  \
  } while (0)

// `lhs` = value of `rexpr` (a Result<T>), or returns its Status from the current function.
#define MT_ASSIGN_OR_RETURN(lhs, rexpr) \
  MT_ASSIGN_OR_RETURN_IMPL_(MT_STATUS_CONCAT_(mt_result_, __LINE__), lhs, rexpr)
#define MT_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                              \
  if (!result.ok()) return result.status();           \
  lhs = std::move(result).value()

#endif  // MONEYTRAIL_STATUS_H_
