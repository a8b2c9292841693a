#include "config/compiled_image.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "config/bytes_digest.h"
#include "config/compile_cache.h"
#include "config/compiled_domain_image.h"
#include "config/domain_file.h"
#include "config/image_bytes.h"
#include "config/load_and_compile.h"
#include "config/parallel.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kMagic = "dnsd compiled image";
// Changed whenever what is written changes: an image of another format is
// not read. (An image of another build is not read either, BuildId.)
constexpr uint32_t kFormat = 7;

int FindBuildId(struct dl_phdr_info* info, size_t, void* out) {
  // The first object is the program itself.
  auto& id = *static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* at = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = at + ph.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const char* name = at + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0 && desc + note->n_descsz <= end) {
        id = absl::BytesToHexString(absl::string_view(desc, note->n_descsz));
        return 1;
      }
      at = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return 1;  // only the first object
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// The image file being written: sections are framed by a length written
// once the section is done.
class ImageFile {
 public:
  explicit ImageFile(FILE* f) : f_(f) {}
  bool Put(const ImageWriter& w) { return Put(w.bytes()); }
  bool Put(absl::string_view bytes) {
    written_ += bytes.size();
    return std::fwrite(bytes.data(), 1, bytes.size(), f_) == bytes.size();
  }
  // Starts a section: room for its length.
  long Begin() {
    long at = std::ftell(f_);
    ImageWriter room;
    room.U64(0);
    Put(room);
    return at;
  }
  bool End(long begin) {
    long end = std::ftell(f_);
    ImageWriter length;
    length.U64(static_cast<uint64_t>(end - begin - 8));
    return std::fseek(f_, begin, SEEK_SET) == 0 &&
           std::fwrite(length.bytes().data(), 1, 8, f_) == 8 &&
           std::fseek(f_, end, SEEK_SET) == 0;
  }
  size_t written() const { return written_; }

 private:
  FILE* f_;
  size_t written_ = 0;
};

}  // namespace

std::string BuildId() {
  std::string id;
  dl_iterate_phdr(FindBuildId, &id);
  return id;
}

absl::StatusOr<std::unique_ptr<CompiledImage>> CompiledImage::Open(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    close(fd);
    return absl::DataLossError(absl::StrCat(path, ": empty"));
  }
  std::unique_ptr<CompiledImage> image(new CompiledImage());
  image->size_ = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, image->size_, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return Errno("cannot map", path);
  image->map_ = map;
  // Read from start to end, all of it, soon: ahead of the readers.
  madvise(map, image->size_, MADV_SEQUENTIAL);
  madvise(map, image->size_, MADV_WILLNEED);

  ImageReader in(absl::string_view(static_cast<const char*>(map), image->size_));
  if (in.Bytes(64) != kMagic) return absl::DataLossError(absl::StrCat(path, ": not an image"));
  if (in.U32() != kFormat) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": written in another format"));
  }
  std::string id = BuildId();
  if (id.empty() || in.Bytes(256) != id) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": written by another build of dnsd"));
  }
  image->server_digest_ = in.U64();
  image->catalog_digest_ = in.U64();
  image->written_at_ = static_cast<int64_t>(in.U64());
  image->max_version_ = in.U64();
  // A number of the head changed on the disk would be taken as written
  // (max_version lowered, say): the head has a digest, as every record.
  const size_t head_size = in.offset();
  if (in.U64() != BytesDigest(absl::string_view(static_cast<const char*>(map), head_size))) {
    return absl::DataLossError(absl::StrCat(path, ": not the bytes written"));
  }
  absl::string_view* sections[] = {&image->senders_, &image->files_, &image->domains_};
  for (absl::string_view* section : sections) {
    uint64_t size = in.U64();
    if (size > in.left()) in.Fail();
    *section = absl::string_view(static_cast<const char*>(map) + in.offset(),
                                 in.ok() ? size : 0);
    in.Skip(size);
  }
  if (!in.ok() || !in.done()) return absl::DataLossError(absl::StrCat(path, ": cut short"));
  return image;
}

CompiledImage::~CompiledImage() {
  if (map_ != nullptr) munmap(map_, size_);
}

absl::StatusOr<ImageCounts> WriteCompiledImage(const LoadState& state, const std::string& path) {
  std::string id = BuildId();
  if (id.empty()) return absl::FailedPreconditionError("this dnsd binary has no build id");
  auto digests = state.files.ImageDigests();
  if (!digests) {
    return absl::FailedPreconditionError(
        "the server file or the catalog changed since it was loaded");
  }
  const std::string temp = path + ".tmp";
  FILE* f = std::fopen(temp.c_str(), "wbe");
  if (f == nullptr) return Errno("cannot write", temp);
  ImageFile file(f);
  ImageCounts counts;
  ImageWriter head;
  head.Bytes(kMagic);
  head.U32(kFormat);
  head.Bytes(id);
  head.U64(digests->first);
  head.U64(digests->second);
  head.U64(static_cast<uint64_t>(std::time(nullptr)));
  head.U64(ReadVersionsGiven());
  head.U64(BytesDigest(head.bytes()));
  bool ok = file.Put(head);

  long senders = file.Begin();
  ImageWriter numbers;
  std::vector<std::string> ids = state.compiled.sender_numbers().InOrder();
  numbers.Varint(ids.size());
  for (const std::string& sender : ids) numbers.Bytes(sender);
  ImageWriter section;
  section.Digested(numbers.bytes());
  ok = ok && file.Put(section) && file.End(senders);

  long files = file.Begin();
  counts.files = state.files.WriteImageFiles([&](const ImageWriter& records) {
    ok = ok && file.Put(records);
    return ok;
  });
  ok = ok && file.End(files);

  long domains = file.Begin();
  ImageWriter record;
  for (const CompiledDomainList::Ptr& d : state.compiled.domains()) {
    // On a schedule: compiled again at each instant, from a model the
    // files' part does not carry.
    if (d->scheduled) continue;
    record.bytes().clear();
    if (!WriteCompiledDomain(*d, record)) continue;
    ok = ok && file.Put(record);
    ++counts.domains;
  }
  ok = ok && file.End(domains);
  ok = std::fflush(f) == 0 && ok && fsync(fileno(f)) == 0;
  counts.bytes = file.written();
  if (std::fclose(f) != 0 || !ok) {
    absl::Status error = Errno("cannot write", temp);
    unlink(temp.c_str());
    return error;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status error = Errno("cannot rename the image to", path);
    unlink(temp.c_str());
    return error;
  }
  return counts;
}

absl::Status RestoreSenderNumbers(const CompiledImage& image, SenderNumbers& numbers) {
  ImageReader section(image.senders());
  ImageReader::DigestedBytes digested = section.Digested();
  ImageReader senders(digested.bytes);
  std::vector<std::string> ids(senders.Count(1));
  for (std::string& id : ids) id = std::string(senders.Bytes(1024));
  bool whole = section.ok() && section.done() && digested.Holds() && senders.ok() && senders.done();
  // Restored already (a start's ImageLink did): the same numbers again.
  if (whole && numbers.size() > 0 && numbers.InOrder() == ids) return absl::OkStatus();
  if (!whole || !numbers.Restore(ids)) {
    return absl::DataLossError("its sender numbers do not read whole");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CompileCache::ImageDomain>> ImageDomains(const CompiledImage& image) {
  // Each record's bytes, and what the compile decides on before it reads
  // one: the domain, the read it was compiled from, its inputs.
  std::vector<CompileCache::ImageDomain> domains;
  ImageReader in(image.domains());
  while (in.ok() && in.left() > 0) {
    size_t begin = in.offset();
    // A record as ReadCompiledDomain reads it, which checks its digest.
    ImageReader head(in.Digested().bytes);
    CompileCache::ImageDomain d;
    d.version = head.U64();
    d.inputs_digest = head.U64();
    d.scheduled = head.U8() != 0;
    d.name = head.Bytes(UINT8_MAX);
    d.record = image.domains().substr(begin, in.offset() - begin);
    // In name order, each once, as the compile walks them.
    if (!head.ok() || (!domains.empty() && !(domains.back().name < d.name))) continue;
    domains.push_back(d);
  }
  if (!in.ok()) return absl::DataLossError("its compiled domains do not read whole");
  return domains;
}

absl::StatusOr<size_t> OfferCompiled(std::shared_ptr<const CompiledImage> image,
                                       CompileCache& cache) {
  // The numbers every compile of the image names its senders by.
  if (absl::Status restored = RestoreSenderNumbers(*image, cache.sender_numbers());
      !restored.ok()) {
    return restored;
  }
  absl::StatusOr<std::vector<CompileCache::ImageDomain>> domains = ImageDomains(*image);
  if (!domains.ok()) return domains.status();
  size_t size = domains->size();
  cache.KeepImage(std::move(image), *std::move(domains));
  return size;
}

}  // namespace dnsd::config
