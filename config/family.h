// A record family: everything dnsd knows about one kind of record it hosts
// for a customer domain (SPF, DMARC, DKIM, BIMI, MTA-STS, TLS-RPT, …).
//
// The configuration pipeline is generic: it reads a domain file section by
// section, checks it, compiles it and links it into a snapshot by asking
// each family in turn (config/families.h lists them). A family's room
// (policy/<family>/) holds its section's model, reader, checks, rendering,
// compile and the lines `dnsd records` prints; nothing outside the room
// names its fields.
//
// The stages a family takes part in, in order:
//   Read     the section of one domain file, with every check that needs
//            only the file (and the sections of families listed earlier);
//   Check    against the catalog and the provider settings, re-run without
//            reading the file again when either changes;
//   Compile  one domain's records into its own zones and the provider's
//            shared zones (config/compiled_domain.h), on its own;
//   Link     snapshot-wide tables built from every compiled domain (only
//            the SPF macro zone has any);
//   Publish  what the customer puts in their own zone (`dnsd records`).
//
// Families are stateless singletons: every method is thread-safe.
#ifndef DNSD_CONFIG_FAMILY_H_
#define DNSD_CONFIG_FAMILY_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "config/model.h"
#include "config/timeline.h"
#include "config/yaml_reader.h"
#include "dnsd/protocol/zone/apart_rdata.h"
#include "dnsd/protocol/zone/zone.h"

namespace dnsd::config {

class CatalogDigests;  // config/compiled_domain.h
class DomainCompiler;  // config/compiled_domain.h
class ImageReader;     // config/image_bytes.h
class ImageWriter;     // config/image_bytes.h
class SerialDigest;    // config/serial_digest.h
struct CompiledDomain;  // config/compiled_domain.h
struct CompiledPart;    // config/compiled_domain.h
struct FamilyData;      // config/compiled_domain.h
struct LinkContext;    // config/link_context.h
struct ProviderRecords;  // config/provider_records.h
struct Snapshot;        // config/snapshot.h

// What every family's reader may look at besides its own section.
struct DomainContext {
  const Fields& top;          // the file's top-level mapping
  std::optional<Mode> mode;   // nullopt when `mode` itself was invalid
  const Value* mode_value;    // null when the file does not set it
};

// A zone the provider serves for all domains together (the CNAME targets
// under its own names), created once per snapshot.
struct ProviderZone {
  ZoneKind kind;
  std::string apex;  // lower-case wire form
};

class RecordFamily {
 public:
  virtual ~RecordFamily() = default;

  // The family's name in logs and messages ("dmarc").
  virtual absl::string_view name() const = 0;
  // The key of its section in a domain file; "" when it has none.
  virtual absl::string_view section() const { return name(); }
  // Top-level keys of a domain file the family reads besides its section
  // ("dmarc_delegation").
  virtual absl::Span<const absl::string_view> domain_keys() const { return {}; }
  // Keys the family adds to the server file's provider section, each an
  // optional zone name (ProviderSettings::family_zones).
  virtual absl::Span<const absl::string_view> provider_keys() const { return {}; }

  // Reads the section (`value` is null when the file has none) into `d`,
  // recording every problem on `r`. Called for every family in list order,
  // so a family may look at the sections of the families before it.
  virtual void Read(YamlReader& /*r*/, const Value* /*value*/, const DomainContext& /*ctx*/,
                    DomainConfig& /*d*/) const {}
  // A file read again: `fresh` may take from `previous` (the file's last
  // read) whatever it holds equal, so that an edit elsewhere in the file
  // does not make a second copy of it. Only what is immutable and shared
  // (a DKIM key's record, which the served records point into) is worth it.
  virtual void ShareUnchanged(const DomainConfig& /*previous*/, DomainConfig& /*fresh*/) const {}
  // The same for a file whose last read's model was released (`dnsd
  // serve`): `fresh` may take what it holds equal from `served`, the
  // domain's compile that is being served.
  virtual void ShareServed(const CompiledDomain& /*served*/, DomainConfig& /*fresh*/) const {}
  // The checks that need the catalog or the provider settings.
  virtual void Check(YamlReader& /*r*/, const DomainConfig& /*d*/, const Catalog& /*catalog*/,
                     const ProviderSettings& /*provider*/) const {}

  // The provider's shared zones this family adds names to.
  virtual void ProviderZones(const ProviderRecords& /*provider*/,
                             std::vector<ProviderZone>& /*zones*/) const {}
  // What the family's compile of `d` reads beyond the domain file and the
  // provider settings (the SPF family: its senders' ranges), as catalog
  // ids appended to `ids`: besides an edit of its file, a change of what
  // the catalog says of them is what compiles a domain again. A released
  // model keeps these ids (DomainHead::inputs).
  virtual void Inputs(const DomainConfig& /*d*/, std::vector<std::string>& /*ids*/) const {}
  // The instants at which the family's records for `d` change by
  // themselves (a DKIM selector's from and until, a DMARC step), in any
  // order; Compile then sees where it stands (DomainCompiler::now()).
  virtual void Timeline(const DomainConfig& /*d*/, std::vector<ScheduledChange>& /*out*/) const {}
  // Compiles the family's part of `d`. An error leaves out this family's
  // part of the domain only, with the message as its diagnostic.
  virtual absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const = 0;
  // Builds the snapshot-wide part of what the family answers from beyond
  // the zone table (the SPF template and senders): once per snapshot, after
  // every domain is in.
  virtual absl::Status Link(LinkContext& /*link*/) const { return absl::OkStatus(); }
  // Adds to the snapshot's own tables (the SPF policies, the MTA-STS
  // policies) what one domain's part puts there, or with `add` false takes
  // it out again. A full link adds every domain; a reload starts from the
  // tables of the snapshot before (ForkTables) and adds and removes only
  // the domains that changed.
  virtual void LinkPart(const CompiledDomain& /*d*/, const CompiledPart& /*part*/,
                        LinkContext& /*link*/, bool /*add*/) const {}
  // Shares `base`'s tables of this family into `next` (copy-on-write).
  virtual void ForkTables(const Snapshot& /*base*/, Snapshot& /*next*/) const {}
  // Compacts this family's tables of `snap` once every domain is linked
  // and Link ran, before the snapshot is published (PersistentMap::Freeze,
  // and its `let_go`).
  virtual void FreezeTables(Snapshot& /*snap*/, const std::function<void()>& /*let_go*/) const {}

  // The compiled image (config/compiled_image.h) carries a compiled
  // domain from one run to the next. WriteData writes what the family's
  // Compile kept (CompiledDomain::Data), all of it: false if it cannot,
  // and the domain is then compiled afresh at the next start. ReadData
  // reads it back, null if the bytes do not hold it.
  virtual bool WriteData(const FamilyData& /*data*/, ImageWriter& /*out*/) const { return false; }
  virtual std::unique_ptr<const FamilyData> ReadData(ImageReader& in) const;
  // A record of the family's whose RDATA is kept apart (RRset::rdata), in
  // the form the family holds it (the DKIM family: a key's DER, not its
  // base64). WriteRdata writes it, false if `rdata` is not of that form
  // (the image then holds its octets); ReadRdata reads it back, null if
  // the bytes do not hold it.
  virtual bool WriteRdata(const ApartRdata& /*rdata*/, ImageWriter& /*out*/) const {
    return false;
  }
  virtual RdataRef ReadRdata(ImageReader& /*in*/) const { return RdataRef(); }

  // Zone-file lines the customer publishes in their own zone, and comments
  // (starting with ';') where they must know something more.
  virtual void Publish(const DomainConfig& /*d*/, const ProviderSettings& /*provider*/,
                       std::vector<std::string>& /*lines*/) const {}
};

// Every family, in the order their sections are read and compiled.
absl::Span<const RecordFamily* const> Families();

// Every family's Inputs of `d`; a released head's kept ones.
std::vector<std::string> InputsOf(const DomainHead& d);

// Every family's Timeline of `d`, in family order (empty: the domain has
// no instants of its own).
std::vector<ScheduledChange> TimelineOf(const DomainConfig& d);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_FAMILY_H_
