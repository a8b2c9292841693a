// Small helpers for absl::Status plumbing.
//
// Debian 12's abseil (20220623) has neither ABSL_RETURN_IF_ERROR nor
// ABSL_ASSIGN_OR_RETURN, so dnsd defines its own, once, here.
#ifndef DNSD_PROTOCOL_BASE_STATUS_MACROS_H_
#define DNSD_PROTOCOL_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DNSD_CONCAT_INNER_(a, b) a##b
#define DNSD_CONCAT_(a, b) DNSD_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` yields a non-OK status.
#define DNSD_RETURN_IF_ERROR(expr)                  \
  do {                                              \
    ::absl::Status dnsd_status_ = (expr);           \
    if (!dnsd_status_.ok()) return dnsd_status_;    \
  } while (false)

// `lhs` = value of the StatusOr `expr`, or returns its status.
#define DNSD_ASSIGN_OR_RETURN(lhs, expr) \
  DNSD_ASSIGN_OR_RETURN_IMPL_(DNSD_CONCAT_(dnsd_statusor_, __LINE__), lhs, expr)

#define DNSD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // DNSD_PROTOCOL_BASE_STATUS_MACROS_H_
