// Domain names and DKIM selectors as configuration files write them.
//
// Every name that reaches the model went through NormalizeDomainName, so the
// rest of dnsd can compare names with ==: lower case, no trailing dot, and
// short enough to fit on the wire (RFC 1035 §2.3.4).
#ifndef DNSD_CONFIG_NAMES_H_
#define DNSD_CONFIG_NAMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dnsd::config {

// The longest name in text form without the trailing dot: 255 octets on the
// wire minus the length octets and the root label.
inline constexpr size_t kMaxNameLength = 253;
inline constexpr size_t kMaxLabelLength = 63;

// Lower-cases `text` and strips one trailing dot. Labels must be 1 to 63
// characters of letters, digits, '-' and '_' (the underscore is needed for
// names such as _dmarc and _spf, RFC 8552); the name at most 253 characters.
absl::StatusOr<std::string> NormalizeDomainName(absl::string_view text);

// A DKIM selector (RFC 6376 §3.1): the same rules, and it may contain dots
// ("2026.mail"), but it is relative, so a trailing dot is an error.
absl::StatusOr<std::string> NormalizeDkimSelector(absl::string_view text);

// True when `name` is `parent` or a name below it. Both must be normalised.
bool IsAtOrBelow(absl::string_view name, absl::string_view parent);

// `label_text` (one or more labels, text form) prepended to the wire name
// `base`; fails if the result is longer than 255 octets.
absl::StatusOr<std::string> Prepend(absl::string_view label_text, absl::string_view base);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_NAMES_H_
