//===- ImagesCommand.cpp - `ballast images` / `ballast image ls` ----------===//
#include <algorithm>
#include <ctime>
#include <fnmatch.h>

#include "cli/ImageCommon.h"
#include "store/Inspect.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec ImagesFlags[] = {
    {"all", 'a', false, "show all images (intermediate images are never stored, so the same)"},
    {"quiet", 'q', false, "only show image IDs"},
    {"digests", 0, false, "show digests"},
    {"no-trunc", 0, false, "do not truncate IDs"},
    {"filter", 'f', true, "filter: dangling=true|false, reference=PATTERN (repeatable)", "FILTER"},
    {"format", 0, true, "'table', 'json', or a Go template ('{{.Repository}}:{{.Tag}}')", "FORMAT"},
    RootFlag,
    HelpFlag,
};

nlohmann::json headers() {
  return {{"Containers", "CONTAINERS"},
          {"CreatedAt", "CREATED AT"},
          {"CreatedSince", "CREATED"},
          {"Digest", "DIGEST"},
          {"ID", "IMAGE ID"},
          {"Repository", "REPOSITORY"},
          {"SharedSize", "SHARED SIZE"},
          {"Size", "SIZE"},
          {"Tag", "TAG"},
          {"UniqueSize", "UNIQUE SIZE"},
          {"VirtualSize", "VIRTUAL SIZE"}};
}
} // namespace

int runImages(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("images", "[OPTIONS] [REPOSITORY[:TAG]]", "List images in the store.",
                        ImagesFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() > 1)
    return usageError("images", "takes at most one REPOSITORY[:TAG] argument");
  std::optional<oci::Reference> Filter;
  bool FilterTag = false;
  if (!A->positional().empty()) {
    auto R = oci::Reference::parse(A->positional()[0], /*DefaultTag=*/false);
    if (!R)
      return usageError("images", llvm::toString(R.takeError()));
    Filter = *R;
    FilterTag = !R->tag().empty();
  }
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  auto List = (*S)->list();
  if (!List)
    return failure(List.takeError());
  std::optional<bool> Dangling;
  std::vector<std::string> Patterns;
  for (auto &F : A->getAll("filter")) {
    auto [K, V] = llvm::StringRef(F).split('=');
    if (K == "dangling" && (V == "true" || V == "false"))
      Dangling = V == "true";
    else if (K == "reference" && !V.empty())
      Patterns.push_back(V.str());
    else
      return usageError("images",
                        "invalid filter '" + F + "'; use dangling=true|false or reference=PATTERN");
  }
  std::vector<store::ImageRecord> Recs;
  for (auto &R : *List) {
    if (Filter && (!R.Ref || R.Ref->repository() != Filter->repository() ||
                   (FilterTag && R.Ref->tag() != Filter->tag())))
      continue;
    if (Dangling && *Dangling != !R.Ref)
      continue;
    // Docker matches reference=PATTERN against the familiar name, with and without the tag.
    if (!Patterns.empty() && (!R.Ref || llvm::none_of(Patterns, [&](const std::string &P) {
          return ::fnmatch(P.c_str(), R.Ref->familiar().c_str(), 0) == 0 ||
                 ::fnmatch(P.c_str(), R.Ref->familiarName().c_str(), 0) == 0;
        })))
      continue;
    Recs.push_back(R);
  }
  auto Key = [](const store::ImageRecord &R) { return store::parseRfc3339(R.Created).value_or(0); };
  std::stable_sort(Recs.begin(), Recs.end(), [&](auto &X, auto &Y) {
    if (Key(X) != Key(Y))
      return Key(X) > Key(Y);
    return (X.Ref ? X.Ref->familiar() : "~") < (Y.Ref ? Y.Ref->familiar() : "~");
  });

  bool NoTrunc = A->flag("no-trunc");
  int64_t Now = static_cast<int64_t>(std::time(nullptr));
  std::vector<nlohmann::json> Rows;
  for (auto &R : Recs) {
    nlohmann::json J;
    J["Containers"] = "N/A";
    J["CreatedAt"] = store::createdAt(R.Created);
    J["CreatedSince"] = store::createdSince(R.Created, Now);
    J["Digest"] = R.Ref ? R.ManifestDigest.str() : "<none>";
    J["ID"] = NoTrunc ? R.Id.str() : R.Id.shortHex();
    J["Repository"] = R.Ref ? R.Ref->familiarName() : "<none>";
    J["SharedSize"] = "N/A";
    J["Size"] = store::humanSize(R.Size);
    J["Tag"] = R.Ref && !R.Ref->tag().empty() ? R.Ref->tag() : "<none>";
    J["UniqueSize"] = "N/A";
    J["VirtualSize"] = store::humanSize(R.Size, 4);
    Rows.push_back(std::move(J));
  }

  std::string Format = A->get("format").value_or("");
  if (A->flag("quiet")) {
    for (auto &J : Rows)
      llvm::outs() << J["ID"].get<std::string>() << "\n";
    return ExitOk;
  }
  if (Format == "json") {
    for (auto &J : Rows)
      llvm::outs() << goJson(J.dump()) << "\n";
    return ExitOk;
  }
  if (Format.empty() || Format == "table")
    Format =
        A->flag("digests")
            ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
            : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
  auto Out = renderRows(Format, Rows, headers());
  if (!Out)
    return usageError("images", "--format: " + llvm::toString(Out.takeError()));
  llvm::outs() << *Out;
  return ExitOk;
}

} // namespace ballast::cli
