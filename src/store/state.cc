#include "state.h"

#include <system_error>

#include "moneytrail/file_util.h"

namespace moneytrail::store::store_internal {

Result<Manifest> ReadManifest(const std::filesystem::path& dir, std::string* raw) {
  std::filesystem::path path = dir / kManifestName;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!std::filesystem::exists(dir, ec)) {
      return NotFoundError("no store at " + dir.string() + " (the directory does not exist)");
    }
    return NotFoundError("no store at " + dir.string() + " (no MANIFEST; nothing was committed)");
  }
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  MT_ASSIGN_OR_RETURN(Manifest m, ParseManifest(path.string(), text));
  if (raw != nullptr) *raw = std::move(text);
  return m;
}

Status CheckSegmentFiles(const std::filesystem::path& dir, const Manifest& manifest) {
  for (const SegmentRecord& seg : manifest.segments) {
    for (const auto& [name, bytes] : seg.file_bytes) {
      std::filesystem::path path = SegmentDir(dir, seg.name) / name;
      std::error_code ec;
      uint64_t size = std::filesystem::file_size(path, ec);
      if (ec) return DataLossError("store file " + path.string() + " is missing: " + ec.message());
      if (size != bytes) {
        return DataLossError("store file " + path.string() + " has " + std::to_string(size) +
                             " bytes, the manifest records " + std::to_string(bytes));
      }
    }
  }
  if (manifest.holders) {
    for (const HoldersFile& f : manifest.holders->files) {
      std::filesystem::path path = HoldersDir(dir, manifest.holders->name) / f.name;
      std::error_code ec;
      uint64_t size = std::filesystem::file_size(path, ec);
      if (ec) return DataLossError("store file " + path.string() + " is missing: " + ec.message());
      if (size != f.bytes) {
        return DataLossError("store file " + path.string() + " has " + std::to_string(size) +
                             " bytes, the manifest records " + std::to_string(f.bytes));
      }
    }
  }
  return Status::Ok();
}

Status LoadDictionaries(const std::filesystem::path& dir, const Manifest& manifest,
                        Dictionaries& dicts) {
  // The account dictionary and its attributes are filled once, front to back (tens of MB for a
  // few hundred thousand accounts): huge pages make that one fault per 2 MiB, not per 4 KiB.
  if (manifest.accounts < kNoAccount) {
    dicts.accounts.reserve(manifest.accounts);
    AdviseHugePages(dicts.accounts.data(), dicts.accounts.capacity() * sizeof(AccountKey));
    dicts.attributes.reserve(manifest.accounts);
    AdviseHugePages(dicts.attributes.data(),
                    dicts.attributes.capacity() * sizeof(AccountAttributes));
  }
  for (const SegmentRecord& seg : manifest.segments) {
    std::filesystem::path sdir = SegmentDir(dir, seg.name);
    MT_RETURN_IF_ERROR(ReadAccounts(sdir / "accounts.dict", seg.accounts_added, dicts.accounts));
    dicts.attributes.resize(dicts.accounts.size());
    MT_RETURN_IF_ERROR(ReadStrings(sdir / "strings.dict", seg.strings_added, dicts.strings));
    MT_RETURN_IF_ERROR(
        ReadStrings(sdir / "currencies.dict", seg.currencies_added, dicts.currencies));
    MT_RETURN_IF_ERROR(ReadLocations(sdir / "locations.dict", seg.locations_added,
                                     dicts.strings.size(), dicts.locations));
    MT_RETURN_IF_ERROR(ReadAttributes(sdir / "attributes.dict", seg.attributes,
                                      dicts.currencies.size(), dicts.attributes));
  }
  if (dicts.accounts.size() != manifest.accounts) {
    return DataLossError(dir.string() + ": dictionaries hold " +
                         std::to_string(dicts.accounts.size()) + " accounts, the manifest " +
                         std::to_string(manifest.accounts));
  }
  return Status::Ok();
}

}  // namespace moneytrail::store::store_internal
