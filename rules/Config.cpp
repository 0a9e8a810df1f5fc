//===- Config.cpp - reading .ballast.yaml and .hadolint.yaml -------------===//
//
// yaml-cpp throws; this file is its adapter and the only place its exceptions are caught.
//
//===----------------------------------------------------------------------===//
#include "rules/Config.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include "support/AtomicFile.h"
#include "support/ReadFiles.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace ballast::rules {

static bool matchesAny(const std::set<std::string> &S, llvm::StringRef Id,
                       llvm::ArrayRef<std::string> Aliases) {
  if (S.empty()) // the usual case: asked once per rule and file, without building strings
    return false;
  if (S.count(Id.str()))
    return true;
  for (const std::string &A : Aliases)
    if (S.count(A))
      return true;
  return false;
}

/// Path absolute and without `.` or `..` segments: `..` is resolved through the file system
/// (a folder reached through a link has the link's parent as `..`), lexically where that fails.
static void normalizePath(llvm::SmallVectorImpl<char> &Path) {
  llvm::sys::fs::make_absolute(Path);
  llvm::StringRef P(Path.data(), Path.size());
  if (P.contains("/..")) {
    llvm::SmallString<256> Real;
    if (!llvm::sys::fs::real_path(P, Real)) {
      Path.assign(Real.begin(), Real.end());
      return;
    }
  }
  if (P.contains("/."))
    llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
}

/// The folder of the file at Path, absolute and normalized (the file's own name is kept out of
/// it, so a linked file is not followed).
static llvm::SmallString<256> normalizedFolder(llvm::StringRef Path) {
  llvm::SmallString<256> Dir(Path);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_filename(Dir);
  normalizePath(Dir);
  return Dir;
}

bool Config::pathMatches(llvm::StringRef Glob, llvm::StringRef File) const {
  llvm::StringRef Given = File;
  while (Given.consume_front("./"))
    ;
  if (globMatch(Glob, Given))
    return true;
  if (Folder.empty())
    return false;
  // The folders are normalized, not the names in them (a linked Dockerfile stays itself).
  llvm::SmallString<256> Abs = normalizedFolder(File);
  llvm::sys::path::append(Abs, llvm::sys::path::filename(File));
  llvm::StringRef Rel(Abs);
  return Rel.consume_front(Folder) && Rel.consume_front("/") && globMatch(Glob, Rel);
}

bool Config::isIgnored(llvm::StringRef Id, llvm::ArrayRef<std::string> Aliases,
                       llvm::StringRef File) const {
  if (matchesAny(Ignored, Id, Aliases))
    return true;
  for (const PathOverride &P : PerPath)
    if (matchesAny(P.Ignored, Id, Aliases) && pathMatches(P.Glob, File))
      return true;
  return false;
}

Severity Config::severityFor(llvm::StringRef Id, llvm::ArrayRef<std::string> Aliases,
                             llvm::StringRef File, Severity Default) const {
  Severity S = Default;
  auto Look = [&](const std::map<std::string, Severity> &M) {
    if (M.empty())
      return;
    auto It = M.find(Id.str());
    if (It != M.end()) {
      S = It->second;
      return;
    }
    for (const std::string &A : Aliases)
      if ((It = M.find(A)) != M.end()) {
        S = It->second;
        return;
      }
  };
  Look(Severities);
  for (const PathOverride &P : PerPath)
    if (!P.Severities.empty() && pathMatches(P.Glob, File))
      Look(P.Severities);
  return S;
}

bool globMatch(llvm::StringRef Pat, llvm::StringRef Path) {
  if (Pat.empty())
    return Path.empty();
  if (Pat.startswith("**")) {
    llvm::StringRef Rest = Pat.drop_front(2);
    if (Rest.startswith("/"))
      Rest = Rest.drop_front();
    for (size_t I = 0; I <= Path.size(); ++I)
      if ((I == 0 || Path[I - 1] == '/') && globMatch(Rest, Path.drop_front(I)))
        return true;
    return Rest.empty();
  }
  char C = Pat[0];
  if (C == '*') {
    for (size_t I = 0; I <= Path.size(); ++I) {
      if (globMatch(Pat.drop_front(), Path.drop_front(I)))
        return true;
      if (I < Path.size() && Path[I] == '/')
        break;
    }
    return false;
  }
  if (Path.empty())
    return false;
  if (C == '?' ? Path[0] != '/' : C == Path[0])
    return globMatch(Pat.drop_front(), Path.drop_front());
  return false;
}

namespace {

std::vector<std::string> stringList(const YAML::Node &N) {
  std::vector<std::string> R;
  if (!N)
    return R;
  if (N.IsScalar())
    R.push_back(N.as<std::string>());
  else if (N.IsSequence())
    for (const auto &E : N)
      if (E.IsScalar())
        R.push_back(E.as<std::string>());
  return R;
}

void readOverrides(const YAML::Node &N, std::map<std::string, Severity> &Out, Config &C) {
  if (!N || !N.IsMap())
    return;
  for (const auto &KV : N) {
    std::string Level = KV.first.as<std::string>();
    std::optional<Severity> S = parseSeverity(Level);
    if (!S) {
      C.Warnings.push_back(
          {C.Path,
           {},
           {},
           "unknown severity '" + Level + "' in override; use error, warning, info or style"});
      continue;
    }
    for (const std::string &Id : stringList(KV.second))
      Out[Id] = *S;
  }
}

} // namespace

llvm::Expected<Config> parseConfig(llvm::StringRef Text, llvm::StringRef Path) {
  Config C;
  C.Path = Path.str();
  if (!Path.empty())
    C.Folder = normalizedFolder(Path).str().str();
  try {
    YAML::Node Root = YAML::Load(Text.str());
    if (Root.IsNull())
      return C;
    if (!Root.IsMap())
      return makeError(Path + ":1:1: the config must be a mapping of keys to values");
    for (const auto &KV : Root) {
      std::string K = KV.first.as<std::string>();
      const YAML::Node &V = KV.second;
      if (K == "ignored") {
        for (const std::string &Id : stringList(V))
          C.Ignored.insert(Id);
      } else if (K == "override") {
        readOverrides(V, C.Severities, C);
      } else if (K == "trustedRegistries" || K == "trusted-registries") {
        C.TrustedRegistries = stringList(V);
      } else if (K == "failure-threshold") {
        std::string S = V.as<std::string>();
        if (auto Sev = parseSeverity(S))
          C.FailureThreshold = *Sev;
        else
          C.Warnings.push_back({C.Path,
                                {unsigned(V.Mark().line + 1), unsigned(V.Mark().column + 1)},
                                {},
                                "unknown failure-threshold '" + S + "'; using info"});
      } else if (K == "no-fail") {
        C.NoFail = V.as<bool>();
      } else if (K == "disable-ignore-pragma") {
        C.DisableIgnorePragma = V.as<bool>();
      } else if (K == "strict-labels") {
        C.StrictLabels = V.as<bool>();
      } else if (K == "label-schema") {
        if (V.IsMap())
          for (const auto &L : V)
            C.LabelSchema[L.first.as<std::string>()] = L.second.as<std::string>();
      } else if (K == "shellcheck") {
        std::string S = V.as<std::string>();
        if (S == "auto" || S == "always" || S == "never")
          C.ShellCheck = S;
        else
          C.Warnings.push_back({C.Path,
                                {unsigned(V.Mark().line + 1), unsigned(V.Mark().column + 1)},
                                {},
                                "shellcheck must be auto, always or never; using auto"});
      } else if (K == "per-path") {
        if (V.IsMap())
          for (const auto &P : V) {
            PathOverride O;
            O.Glob = P.first.as<std::string>();
            for (const std::string &Id : stringList(P.second["ignored"]))
              O.Ignored.insert(Id);
            readOverrides(P.second["override"], O.Severities, C);
            C.PerPath.push_back(std::move(O));
          }
      } else if (K == "format" || K == "no-color" || K == "verbose") {
        // Output options of hadolint's config; the command line decides ours.
      } else {
        C.Warnings.push_back(
            {C.Path,
             {unsigned(KV.first.Mark().line + 1), unsigned(KV.first.Mark().column + 1)},
             {},
             "unknown config key '" + K + "'; it is ignored"});
      }
    }
  } catch (const YAML::Exception &E) {
    return makeError(Path + ":" + llvm::Twine(E.mark.line + 1) + ":" +
                     llvm::Twine(E.mark.column + 1) + ": invalid YAML: " + E.msg);
  }
  return C;
}

llvm::Expected<Config> loadConfig(llvm::StringRef Path) {
  auto Text = readFileOrStdin(Path);
  if (!Text)
    return Text.takeError();
  return parseConfig(*Text, Path);
}

llvm::Expected<Config> findConfigFor(llvm::StringRef FilePath) {
  ConfigFinder F;
  return F.find(FilePath);
}

const ConfigFinder::Nearest &ConfigFinder::nearest(llvm::StringRef Dir) {
  auto Known = Folders.find(Dir);
  if (Known != Folders.end())
    return Known->second;
  Nearest Here;
  // Dir is absolute, so Dir + "/" + Name is what llvm::sys::path::append makes of it (at a
  // twentieth of the cost), and access() is what llvm::sys::fs::exists asks. A folder whose
  // files the run read was listed then: the listing answers a name it lacks (the usual case,
  // four names a folder) or holds as a regular file; access() the rest (a link may dangle).
  std::string P(Dir);
  if (P.empty() || P.back() != '/')
    P += '/';
  size_t Base = P.size();
  auto FirstOf = [&](std::initializer_list<const char *> Names) -> std::string {
    for (const char *Name : Names) {
      FolderDescriptors::Entry E =
          Listings ? Listings->entry(Dir, Name) : FolderDescriptors::Entry::Unknown;
      if (E == FolderDescriptors::Entry::Missing)
        continue;
      P.resize(Base);
      P += Name;
      if (E == FolderDescriptors::Entry::Regular || ::access(P.c_str(), F_OK) == 0)
        return P;
    }
    return "";
  };
  Here.Ballast = FirstOf({".ballast.yaml", ".ballast.yml"});
  // The nearest config wins, as with eslint or ruff: a .ballast.yaml here, else a
  // .hadolint.yaml here (a project that still keeps hadolint's config is not overruled by a
  // .ballast.yaml further up), else the parent's answer (which other folders share).
  if (Here.Ballast.empty()) {
    Here.Hadolint = FirstOf({".hadolint.yaml", ".hadolint.yml"});
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Here.Hadolint.empty() && !Parent.empty() && Parent != Dir)
      Here = nearest(Parent);
  }
  return Folders.emplace(Dir.str(), std::move(Here)).first->second;
}

llvm::Expected<Config> ConfigFinder::find(llvm::StringRef FilePath) {
  // `../y/Dockerfile` is looked up from y's parent, not from `y/..`.
  llvm::SmallString<256> Dir = normalizedFolder(FilePath);
  const Nearest &N = nearest(Dir);
  if (!N.Ballast.empty())
    return loadConfig(N.Ballast);
  if (!N.Hadolint.empty())
    return loadConfig(N.Hadolint);
  return Config();
}

} // namespace ballast::rules
