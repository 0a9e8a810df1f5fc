//===- Inspect.h - Docker's views of stored images ---------------*- C++ -*-===//
//
// What `docker images`, `docker history` and `docker inspect` print, computed from the store:
// human sizes and durations exactly as docker/go-units formats them, the inspect object in
// Docker's field order, and Go tabwriter-style tables.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oci/Image.h"
#include "store/Store.h"

namespace ballast::store {

/// go-units HumanSizeWithPrecision(N, 3): decimal units, "4.26MB", "805kB", "0B".
std::string humanSize(int64_t Bytes, int Precision = 3);
/// go-units HumanDuration: "Less than a second", "About a minute", "2 hours", "3 weeks".
std::string humanDuration(int64_t Seconds);
/// Seconds since the epoch of an RFC 3339 time ("2024-01-02T03:04:05.123Z", "...+02:00").
std::optional<int64_t> parseRfc3339(llvm::StringRef S);
/// "2 hours ago" relative to Now (epoch seconds), or "N/A" when Created does not parse.
std::string createdSince(llvm::StringRef Created, int64_t Now);
/// Go's time.String() of an RFC 3339 time in UTC: "2024-01-02 03:04:05 +0000 UTC".
std::string createdAt(llvm::StringRef Created);

/// `docker inspect`'s object for Img (Rec is its store record; All every record, for RepoTags
/// and RepoDigests).
nlohmann::ordered_json inspectObject(const oci::Image &Img, const ImageRecord &Rec,
                                     const std::vector<ImageRecord> &All);

/// Obj (an inspectObject) as a Go template over Docker's typed structs sees it: the nil slices
/// Config.Cmd/Entrypoint/Env/OnBuild/Shell become [] and the nil maps Config.ExposedPorts/
/// Volumes/Labels become {}, so `{{.Config.Cmd}}` prints `[]` and `{{.Config.Labels}}` prints
/// `map[]` as docker does. Only for templates that do not call `json` (docker's `{{json
/// .Config.Cmd}}` prints `null`, which the untouched object gives).
nlohmann::json templateView(const nlohmann::ordered_json &Obj);

/// One row of `docker history`, newest first.
struct HistoryRow {
  std::string Id; ///< "sha256:..." for the top row, "<missing>" below, like Docker
  std::string Created, CreatedBy, Comment;
  int64_t Size = 0; ///< uncompressed size of the layer this entry made, 0 for empty layers
};
/// The history of Img with layer sizes from S (cached there).
llvm::Expected<std::vector<HistoryRow>> imageHistory(const oci::Image &Img, const Store &S);

/// Go's tabwriter with Docker's settings (minwidth 10, padding 3): cells split on '\t', every
/// cell but the last of a line padded to its column's width.
std::string tabulate(const std::vector<std::string> &Lines);

/// Docker's stringutils.Ellipsis: at most N runes, the last one "…" when cut.
std::string ellipsis(llvm::StringRef S, size_t N);

} // namespace ballast::store
