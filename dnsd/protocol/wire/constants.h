// DNS protocol numbers used by dnsd (RFC 1035, RFC 6891, IANA registries).
#ifndef DNSD_PROTOCOL_WIRE_CONSTANTS_H_
#define DNSD_PROTOCOL_WIRE_CONSTANTS_H_

#include <cstddef>
#include <cstdint>

namespace dnsd::wire {

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxNameSize = 255;      // RFC 1035 §2.3.4, wire octets
inline constexpr size_t kMaxLabelSize = 63;
inline constexpr size_t kMaxLabels = 128;        // 127 labels + root
inline constexpr size_t kMaxUdpNoEdns = 512;     // RFC 1035 §4.2.1
inline constexpr size_t kMaxMessageSize = 65535;
inline constexpr size_t kMaxTxtString = 255;     // RFC 1035 §3.3.14

// Header flag bits in the second 16-bit word (RFC 1035 §4.1.1).
inline constexpr uint16_t kFlagQr = 0x8000;
inline constexpr uint16_t kFlagAa = 0x0400;
inline constexpr uint16_t kFlagTc = 0x0200;
inline constexpr uint16_t kFlagRd = 0x0100;
inline constexpr uint16_t kFlagRa = 0x0080;
inline constexpr uint16_t kFlagAd = 0x0020;  // RFC 4035
inline constexpr uint16_t kFlagCd = 0x0010;  // RFC 4035

enum Opcode : uint8_t { kOpQuery = 0, kOpIquery = 1, kOpStatus = 2, kOpNotify = 4, kOpUpdate = 5 };

// 12-bit extended RCODE space (RFC 6891 §6.1.3).
enum Rcode : uint16_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5,
  kBadVers = 16,
};

enum RrType : uint16_t {
  kTypeA = 1,
  kTypeNs = 2,
  kTypeCname = 5,
  kTypeSoa = 6,
  kTypePtr = 12,
  kTypeHinfo = 13,
  kTypeMx = 15,
  kTypeTxt = 16,
  kTypeAaaa = 28,
  kTypeOpt = 41,
  kTypeTkey = 249,
  kTypeTsig = 250,
  kTypeIxfr = 251,
  kTypeAxfr = 252,
  kTypeMailb = 253,
  kTypeMaila = 254,
  kTypeAny = 255,
};

enum RrClass : uint16_t { kClassIn = 1, kClassCh = 3, kClassAny = 255 };

// EDNS(0) flags in the OPT TTL's low 16 bits (RFC 3225).
inline constexpr uint16_t kEdnsFlagDo = 0x8000;

// EDNS(0) option codes (RFC 6891 §6.1.2) dnsd acts on.
inline constexpr uint16_t kEdnsOptionNsid = 3;  // RFC 5001

}  // namespace dnsd::wire

#endif  // DNSD_PROTOCOL_WIRE_CONSTANTS_H_
