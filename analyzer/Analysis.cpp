//===- Analysis.cpp - Image analysis: metrics, findings, attribution -------===//
#include "analyzer/Analysis.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "dockerfile/Ast.h"
#include "dockerfile/Stages.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"

namespace ballast::analyzer {

std::string humanBytes(int64_t Bytes) {
  // go-humanize's Bytes(): SI units, one decimal below 10.
  if (Bytes < 0)
    return "-" + humanBytes(-Bytes);
  if (Bytes < 10)
    return std::to_string(Bytes) + " B";
  static const char *Units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double E = std::floor(std::log(double(Bytes)) / std::log(1000.0));
  double Val = std::floor(double(Bytes) / std::pow(1000.0, E) * 10 + 0.5) / 10;
  char Buf[32];
  snprintf(Buf, sizeof Buf, Val < 10 ? "%.1f %s" : "%.0f %s", Val, Units[int(E)]);
  return Buf;
}

const std::vector<RuleInfo> &analyzerRules() {
  static const std::vector<RuleInfo> Rules = [] {
    auto R = [](const char *Id, Severity S, Category C, const char *Title,
                const char *SecSev = "") {
      RuleInfo I;
      I.Id = Id;
      I.DefaultSeverity = S;
      I.Cat = C;
      I.Title = Title;
      I.SecuritySeverity = SecSev;
      return I;
    };
    return std::vector<RuleInfo>{
        R("BL3001", Severity::Warning, Category::Size,
          "bytes stored in one layer and hidden by a later one"),
        R("BL3002", Severity::Warning, Category::Size, "identical content stored more than once"),
        R("BL3003", Severity::Warning, Category::Size,
          "package-manager cache or index left in the final image"),
        R("BL3004", Severity::Warning, Category::Size,
          "build leftovers in the final image (.git, caches, tests, toolchains, headers, "
          "source archives)"),
        R("BL3005", Severity::Info, Category::Size, "largest files and folders of the image"),
        R("BL3006", Severity::Error, Category::Security, "secret-like file stored in a layer",
          "7.5"),
        R("BL3007", Severity::Error, Category::Security, "secret-like value in the image ENV",
          "7.5"),
        R("BL3008", Severity::Warning, Category::Security, "setuid or setgid file in the image",
          "5.0"),
        R("BL3009", Severity::Warning, Category::Security,
          "world-writable file or folder in the image", "5.5"),
        R("BL3010", Severity::Warning, Category::Security, "image runs as root", "4.0"),
    };
  }();
  return Rules;
}

namespace {

using dockerfile::InstrKind;

/// What a history entry's created_by says was run.
struct HistoryStep {
  InstrKind Kind = InstrKind::Unknown;
  std::string Text;
};

std::string squash(llvm::StringRef S) {
  std::string O;
  for (char C : S)
    if (!llvm::isSpace(C) && C != '\\')
      O += C;
  return O;
}

HistoryStep classify(llvm::StringRef C) {
  C = C.trim();
  if (C.endswith("# buildkit"))
    C = C.drop_back(10).rtrim();
  if (C.startswith("|")) { // legacy builder: `|2 A=1 B=2 /bin/sh -c ...`
    unsigned N = 0;
    llvm::StringRef Count = C.drop_front(1).take_while(llvm::isDigit);
    Count.getAsInteger(10, N);
    C = C.drop_front(1 + Count.size()).ltrim();
    for (unsigned I = 0; I < N; ++I)
      C = C.drop_until(llvm::isSpace).ltrim();
  }
  HistoryStep S;
  if (C.consume_front("/bin/sh -c #(nop) ")) {
    C = C.ltrim();
    llvm::StringRef Kw = C.take_until(llvm::isSpace);
    S.Kind = dockerfile::kindFromKeyword(Kw);
    S.Text = C.drop_front(Kw.size()).trim().str();
    return S;
  }
  if (C.consume_front("/bin/sh -c ")) {
    S.Kind = InstrKind::Run;
    S.Text = C.str();
    return S;
  }
  llvm::StringRef Kw = C.take_until(llvm::isSpace);
  if (Kw.empty() || Kw.upper() != Kw)
    return S;
  S.Kind = dockerfile::kindFromKeyword(Kw);
  llvm::StringRef Rest = C.drop_front(Kw.size()).trim();
  if (S.Kind == InstrKind::Run)
    Rest.consume_front("/bin/sh -c ");
  S.Text = Rest.str();
  return S;
}

bool makesLayer(InstrKind K) {
  return K == InstrKind::Run || K == InstrKind::Copy || K == InstrKind::Add ||
         K == InstrKind::Workdir;
}

/// Links layers to the instructions of the target stage (and the stages it is built FROM),
/// aligning from the end: the Dockerfile made the top layers, the base image the rest.
void mapDockerfile(Analysis &A, const dockerfile::Dockerfile &DF) {
  dockerfile::StageGraph G = dockerfile::StageGraph::build(DF);
  if (G.Target < 0)
    return;
  std::vector<const dockerfile::Instruction *> Cands;
  std::vector<int> Chain;
  for (int S = G.Target; S >= 0; S = G.Stages[S].BaseStage) {
    if (std::find(Chain.begin(), Chain.end(), S) != Chain.end())
      break;
    Chain.push_back(S);
  }
  for (auto It = Chain.rbegin(); It != Chain.rend(); ++It)
    for (const dockerfile::Instruction *I : G.Stages[*It].Instructions)
      if (makesLayer(I->Kind))
        Cands.push_back(I);
  int J = static_cast<int>(Cands.size()) - 1;
  for (int L = static_cast<int>(A.Layers.size()) - 1; L >= 0 && J >= 0; --L) {
    HistoryStep H = classify(A.Layers[L].CreatedBy);
    if (!makesLayer(H.Kind))
      continue;
    int Found = -1;
    for (int K = J; K >= 0 && Found < 0; --K) {
      if (Cands[K]->Kind != H.Kind)
        continue;
      if (H.Kind != InstrKind::Run || Cands[K]->IsJson || squash(Cands[K]->Rest) == squash(H.Text))
        Found = K;
    }
    if (Found < 0 && Cands[J]->Kind == H.Kind)
      Found = J; // same kind, text differs (expanded variables, heredocs): take the next one
    if (Found < 0)
      continue;
    A.Layers[L].DockerfileRange = Cands[Found]->Range;
    A.Layers[L].DockerfileLine = Cands[Found]->StartLine;
    J = Found - 1;
  }
}

/// Findings are built here and located at the end.
class Detector {
public:
  Detector(Analysis &A, llvm::ArrayRef<LayerScan> Layers, const oci::Image &Img,
           const AnalyzeOptions &Opts, const dockerfile::Dockerfile *DF)
      : A(A), Layers(Layers), Img(Img), Opts(Opts), DF(DF) {}

  void run() {
    hiddenBytes();
    duplicates();
    caches();
    leftovers();
    largest();
    secrets();
    envSecrets();
    modes();
    root();
  }

private:
  Analysis &A;
  llvm::ArrayRef<LayerScan> Layers;
  const oci::Image &Img;
  const AnalyzeOptions &Opts;
  const dockerfile::Dockerfile *DF;

  std::string layerName(unsigned L) const {
    std::string S = "layer " + std::to_string(L);
    llvm::StringRef By = A.Layers[L].CreatedBy;
    if (!By.empty()) {
      std::string Short = By.str();
      if (Short.size() > 60)
        Short = Short.substr(0, 57) + "...";
      S += " (" + Short + ")";
    }
    return S;
  }

  Finding make(llvm::StringRef Rule, std::optional<unsigned> Layer, std::string Msg) {
    Finding F;
    F.RuleId = Rule.str();
    for (const RuleInfo &R : analyzerRules())
      if (R.Id == Rule)
        F.Sev = R.DefaultSeverity;
    F.Message = std::move(Msg);
    F.File = Opts.ImageName;
    if (Layer && DF && A.Layers[*Layer].DockerfileLine) {
      F.File = Opts.DockerfilePath;
      F.Range = A.Layers[*Layer].DockerfileRange;
    }
    return F;
  }

  void note(Finding &F, unsigned Layer, std::string Msg) {
    if (!DF || F.File != Opts.DockerfilePath || !A.Layers[Layer].DockerfileLine)
      return;
    Note N;
    N.Range = A.Layers[Layer].DockerfileRange;
    N.Message = std::move(Msg);
    F.Notes.push_back(std::move(N));
  }

  void emit(Finding F) { A.Findings.push_back(std::move(F)); }

  // --- BL3001 ------------------------------------------------------------------------------
  void hiddenBytes() {
    struct Group {
      int64_t Bytes = 0, Largest = -1;
      unsigned Files = 0;
      std::string LargestPath;
      int64_t ByReason[NumHideReasons] = {};
      int64_t AttrOnly = 0, Unchanged = 0, Moved = 0;
    };
    std::map<std::pair<unsigned, unsigned>, Group> Groups;
    for (const StoredFile &S : A.Tree.Stored) {
      if (!S.Hidden)
        continue;
      Group &G = Groups[{S.Layer, S.RemovedBy}];
      G.Bytes += S.Size;
      ++G.Files;
      G.ByReason[unsigned(S.Reason)] += S.Size;
      if (S.Size > G.Largest) {
        G.Largest = S.Size;
        G.LargestPath = S.LastPath;
      }
      if (S.Label == CopyLabel::AttrOnly)
        G.AttrOnly += S.Size;
      else if (S.Label == CopyLabel::Unchanged)
        G.Unchanged += S.Size;
      else if (S.Label == CopyLabel::Moved)
        G.Moved += S.Size;
    }
    for (const auto &[Key, G] : Groups) {
      if (G.Bytes == 0)
        continue;
      auto [Add, Rm] = Key;
      std::string Msg = humanBytes(G.Bytes) + " in " + std::to_string(G.Files) + " file" +
                        (G.Files == 1 ? "" : "s") + " stored by " + layerName(Add);
      Msg += Add == Rm ? " are hidden by the same layer" : " are hidden by " + layerName(Rm);
      std::vector<std::string> Parts;
      for (unsigned R = 0; R < NumHideReasons; ++R)
        if (G.ByReason[R])
          Parts.push_back(hideReasonName(HideReason(R)).str() + " " + humanBytes(G.ByReason[R]));
      Msg += " (" + llvm::join(Parts, ", ") + "); largest /" + G.LargestPath;
      std::string Fix;
      if (G.AttrOnly)
        Fix += "; " + humanBytes(G.AttrOnly) +
               " are chmod/chown-only copies: set the mode and owner where the files are added "
               "(COPY --chmod/--chown)";
      if (G.Unchanged)
        Fix += "; " + humanBytes(G.Unchanged) + " are rewritten unchanged";
      if (G.Moved)
        Fix += "; " + humanBytes(G.Moved) + " are moves: put the files in place when adding them";
      if (Fix.empty())
        Fix = "; add and remove them in the same RUN, or build them in another stage "
              "(lint rule BL1050 finds this in the Dockerfile)";
      Finding F = make("BL3001", Add, Msg + Fix);
      note(F, Rm, "the layer that hides them");
      emit(std::move(F));
    }
  }

  // --- BL3002 ------------------------------------------------------------------------------
  void duplicates() {
    constexpr int64_t MinSize = 4096;
    std::map<std::pair<ContentHash, int64_t>, std::vector<const StoredFile *>> ByContent;
    for (const StoredFile &S : A.Tree.Stored)
      if (S.Size >= MinSize && !(S.Hidden && S.Label == CopyLabel::Unchanged))
        ByContent[{S.Hash, S.Size}].push_back(&S);
    std::vector<std::pair<int64_t, std::vector<const StoredFile *>>> Dups;
    for (auto &[K, V] : ByContent)
      if (V.size() >= 2)
        Dups.push_back({K.second * int64_t(V.size() - 1), V});
    std::stable_sort(Dups.begin(), Dups.end(),
                     [](const auto &X, const auto &Y) { return X.first > Y.first; });
    for (const auto &[Extra, V] : Dups) {
      std::set<unsigned> Ls;
      std::vector<std::string> Paths;
      for (const StoredFile *S : V) {
        Ls.insert(S->Layer);
        if (Paths.size() < 3)
          Paths.push_back("/" + S->LastPath + " (layer " + std::to_string(S->Layer) + ")");
      }
      std::string Msg = "the same " + humanBytes(V[0]->Size) + " content is stored " +
                        std::to_string(V.size()) + " times, " + humanBytes(Extra) +
                        " more than needed: " + llvm::join(Paths, ", ");
      if (V.size() > 3)
        Msg += " and " + std::to_string(V.size() - 3) + " more";
      Msg += Ls.size() > 1 ? "; copy it once, in the layer that needs it first"
                           : "; keep one copy and link or reference it";
      emit(make("BL3002", V[1]->Layer, Msg));
    }
  }

  // Visible regular files of the final image: path, size, layer.
  template <typename F> void eachFinalFile(F &&Fn) {
    for (const auto &[Path, N] : A.Tree.Nodes)
      if (N.Stored >= 0)
        Fn(Path, A.Tree.Stored[N.Stored].Size, N.Layer);
  }

  /// Sums visible file bytes per category; the layer that added most of them is blamed.
  struct Tally {
    int64_t Bytes = 0;
    unsigned Files = 0;
    std::map<unsigned, int64_t> PerLayer;
    std::string Example;
    void add(llvm::StringRef P, int64_t Size, unsigned L) {
      Bytes += Size;
      ++Files;
      PerLayer[L] += Size;
      if (Example.empty())
        Example = P.str();
    }
    unsigned blame() const {
      unsigned Best = 0;
      int64_t Max = -1;
      for (auto [L, B] : PerLayer)
        if (B > Max) {
          Max = B;
          Best = L;
        }
      return Best;
    }
  };

  // --- BL3003 ------------------------------------------------------------------------------
  void caches() {
    struct Cache {
      const char *Name;
      const char *Pattern; // a regex on the path
      const char *Lint;
      const char *Fix;
    };
    static const Cache Caches[] = {
        {"apt package lists", "^var/lib/apt/lists/", "DL3009",
         "rm -rf /var/lib/apt/lists/* in the RUN that ran apt-get update"},
        {"apt package archives", "^var/cache/apt/(archives/.*\\.deb|.*\\.bin)$", "BL1005",
         "apt-get clean in the same RUN"},
        {"apk cache", "^(var/cache/apk|etc/apk/cache)/", "DL3019", "apk add --no-cache"},
        {"dnf cache", "^var/cache/dnf/", "DL3040", "dnf clean all in the same RUN"},
        {"yum cache", "^var/cache/yum/", "DL3032", "yum clean all in the same RUN"},
        {"zypper cache", "^var/cache/zypp/", "DL3036", "zypper clean in the same RUN"},
        {"pip cache", "^(root|home/[^/]+)/\\.cache/pip/", "DL3042", "pip install --no-cache-dir"},
        {"npm cache", "^(root|home/[^/]+)/\\.npm/", "BL1001",
         "npm cache clean --force in the same RUN, or a cache mount"},
        {"yarn cache", "^(usr/local/share/\\.cache/yarn|(root|home/[^/]+)/\\.cache/yarn)/",
         "DL3060", "yarn cache clean in the same RUN"},
        {"pnpm store",
         "^((root|home/[^/]+)/(\\.local/share/pnpm/store|\\.pnpm-store)|"
         "\\.pnpm-store)/",
         "BL1006", "a cache mount on the store, or rm -rf it in the same RUN"},
        {"gem cache",
         "^(usr/local/bundle/cache|(usr/local/)?(lib|share)/(ruby/)?gems/[^/]+/cache|"
         "var/lib/gems/[^/]+/cache|(root|home/[^/]+)/\\.gem)/",
         "BL1002", "gem install --no-document and rm -rf the gem cache in the same RUN"},
        {"go build and module cache",
         "^((root|home/[^/]+)/\\.cache/go-build|(root/|home/[^/]+/)?go/pkg/mod/cache)/", "BL1003",
         "go clean -cache -modcache, or a cache mount"},
        {"composer cache", "^(root|home/[^/]+)/(\\.composer/cache|\\.cache/composer)/", "BL1004",
         "composer install --no-cache, or composer clear-cache in the same RUN"},
    };
    std::vector<llvm::Regex> Res;
    for (const Cache &C : Caches)
      Res.emplace_back(C.Pattern);
    std::vector<Tally> T(std::size(Caches));
    eachFinalFile([&](const std::string &P, int64_t Size, unsigned L) {
      for (size_t I = 0; I < Res.size(); ++I)
        if (Res[I].match(P)) {
          T[I].add(P, Size, L);
          break;
        }
    });
    for (size_t I = 0; I < T.size(); ++I) {
      if (T[I].Bytes == 0)
        continue;
      std::string Msg = std::string(Caches[I].Name) +
                        " left in the final image: " + humanBytes(T[I].Bytes) + " in " +
                        std::to_string(T[I].Files) + " files (e.g. /" + T[I].Example +
                        ", mostly from " + layerName(T[I].blame()) + "); use " + Caches[I].Fix;
      if (*Caches[I].Lint)
        Msg += std::string(" (lint rule ") + Caches[I].Lint + ")";
      emit(make("BL3003", T[I].blame(), Msg));
    }
  }

  // --- BL3004 ------------------------------------------------------------------------------
  static bool systemPath(llvm::StringRef P) {
    return P.startswith("usr/share/") || P.startswith("usr/lib/") ||
           P.startswith("usr/local/lib/") || P.startswith("lib/") || P.startswith("opt/conda/") ||
           P.contains("/site-packages/") || P.contains("/dist-packages/") ||
           P.contains("node_modules/");
  }

  void leftovers() {
    enum { Git, NodeCache, Tests, Toolchain, Headers, Archives, N };
    static const char *Names[] = {".git folders",        "node_modules/.cache", "test folders",
                                  "compiler toolchains", "development headers", "source archives"};
    static const char *Fixes[] = {
        "add .git to .dockerignore (lint rule BL1053)",
        "delete node_modules/.cache in the build RUN or add it to .dockerignore (lint rule BL1053)",
        "add the test folders to .dockerignore or copy only what the runtime needs",
        "build in a separate stage and copy only the artifacts (multi-stage build)",
        "install *-dev packages only in a build stage (multi-stage build)",
        "add the archives to .dockerignore, or unpack and delete them in one RUN"};
    llvm::Regex ToolRe(
        "^(usr/(local/)?bin/(gcc|g\\+\\+|cc|c\\+\\+|clang|clang\\+\\+|rustc|cargo|javac)(-[0-9.]+)?"
        "|usr/lib/gcc/[^/]+/[^/]+/cc1(plus)?|usr/local/go/bin/go|usr/lib/go-[^/]+/bin/go"
        "|usr/libexec/gcc/.*/cc1(plus)?)$");
    llvm::Regex Archive("\\.(tar|tar\\.gz|tgz|tar\\.xz|txz|tar\\.bz2|tbz2|tar\\.zst|zip)$");
    llvm::Regex TestDir("(^|/)(test|tests|__tests__|spec)/");
    std::vector<Tally> T(N);
    std::set<std::string> DevPackages;
    eachFinalFile([&](const std::string &P, int64_t Size, unsigned L) {
      llvm::StringRef S(P);
      if (S.startswith(".git/") || S.contains("/.git/"))
        T[Git].add(P, Size, L);
      else if (S.contains("node_modules/.cache/"))
        T[NodeCache].add(P, Size, L);
      else if (!systemPath(S) && TestDir.match(S))
        T[Tests].add(P, Size, L);
      else if (ToolRe.match(S))
        T[Toolchain].add(P, Size, L);
      else if (S.startswith("usr/include/") || S.startswith("usr/local/include/"))
        T[Headers].add(P, Size, L);
      else if (!systemPath(S) && !S.startswith("var/cache/") && !S.startswith("var/lib/") &&
               !S.startswith("etc/apk/cache/") && Archive.match(S))
        // Archives under the package managers' folders are their caches and indexes (BL3003
        // reports them), not sources a build left behind.
        T[Archives].add(P, Size, L);
      if (S.startswith("var/lib/dpkg/info/") && S.endswith(".list")) {
        llvm::StringRef Pkg = S.drop_front(18).drop_back(5).split(':').first;
        if (Pkg.endswith("-dev"))
          DevPackages.insert(Pkg.str());
      }
    });
    // Toolchain binaries may be symlinks (gcc -> gcc-12): count the links too.
    for (const auto &[P, Node] : A.Tree.Nodes)
      if (Node.Kind == EntryKind::Symlink && ToolRe.match(P))
        T[Toolchain].add(P, 0, Node.Layer);
    for (unsigned I = 0; I < N; ++I) {
      if (T[I].Files == 0 || (T[I].Bytes == 0 && I != Toolchain))
        continue;
      std::string Msg = std::string(Names[I]) + " in the final image: " + humanBytes(T[I].Bytes) +
                        " in " + std::to_string(T[I].Files) + " files (e.g. /" + T[I].Example +
                        ", mostly from " + layerName(T[I].blame()) + ")";
      if (I == Headers && !DevPackages.empty()) {
        std::vector<std::string> Pk(DevPackages.begin(), DevPackages.end());
        if (Pk.size() > 5) {
          Pk.resize(5);
          Pk.push_back("...");
        }
        Msg += "; installed -dev packages: " + llvm::join(Pk, ", ");
      }
      emit(make("BL3004", T[I].blame(), Msg + "; " + Fixes[I]));
    }
  }

  // --- BL3005 ------------------------------------------------------------------------------
  void largest() {
    if (A.LargestFiles.empty())
      return;
    auto List = [](const std::vector<SizedPath> &V) {
      std::vector<std::string> S;
      for (size_t I = 0; I < V.size() && I < 5; ++I)
        S.push_back("/" + V[I].Path + " " + humanBytes(V[I].Bytes));
      return llvm::join(S, ", ");
    };
    auto Top = A.Tree.Nodes.find(A.LargestFiles[0].Path);
    std::optional<unsigned> L;
    if (Top != A.Tree.Nodes.end())
      L = Top->second.Layer;
    emit(make("BL3005", L,
              "largest files: " + List(A.LargestFiles) +
                  "; largest folders: " + List(A.LargestDirs)));
  }

  // --- BL3006 ------------------------------------------------------------------------------
  static bool fixturePath(llvm::StringRef P) {
    return P.startswith("usr/share/") || P.startswith("usr/lib/") ||
           P.startswith("usr/local/lib/") || P.startswith("etc/ssl/certs/") ||
           P.contains("/test/") || P.contains("/tests/") || P.contains("/testdata/") ||
           P.contains("/fixtures/") || P.contains("node_modules/");
  }

  static const char *secretKind(const LayerEntry &E) {
    llvm::StringRef P = E.Path;
    llvm::StringRef Base = llvm::sys::path::filename(P, llvm::sys::path::Style::posix);
    if (E.PrivateKey)
      return "private key";
    if (Base == ".env" ||
        (Base.startswith(".env.") && !Base.endswith(".example") && !Base.endswith(".sample") &&
         !Base.endswith(".template") && !Base.endswith(".dist")))
      return ".env file";
    if (Base.startswith("id_rsa") || Base.startswith("id_dsa") || Base.startswith("id_ecdsa") ||
        Base.startswith("id_ed25519")) {
      if (!Base.endswith(".pub"))
        return "ssh private key";
      return nullptr;
    }
    if (P.endswith(".aws/credentials") || P.endswith(".docker/config.json") ||
        Base == ".git-credentials" || Base == ".netrc" || Base == ".pypirc" ||
        P.endswith(".kube/config") || Base == "application_default_credentials.json" ||
        Base == "credentials.json" || Base == ".npmrc" || Base == ".htpasswd")
      return "credentials file";
    if (Base.endswith(".p12") || Base.endswith(".pfx") || Base.endswith(".jks") ||
        Base.endswith(".keystore"))
      return "key store";
    return nullptr;
  }

  void secrets() {
    // Every stored entry counts: a secret deleted by a later layer is still in the blob.
    std::unordered_map<std::string, const StoredFile *> Visible;
    for (unsigned L = 0; L < Layers.size(); ++L) {
      const auto &Es = Layers[L].Entries;
      for (uint32_t I = 0; I < Es.size(); ++I) {
        const LayerEntry &E = Es[I];
        if (E.Kind != EntryKind::File || fixturePath(E.Path))
          continue;
        const char *Kind = secretKind(E);
        if (!Kind)
          continue;
        if (llvm::StringRef(Kind) == "credentials file" &&
            llvm::sys::path::filename(E.Path, llvm::sys::path::Style::posix) == ".npmrc" &&
            E.Size == 0)
          continue;
        auto Fin = A.Tree.Nodes.find(E.Path);
        bool StillThere =
            Fin != A.Tree.Nodes.end() && Fin->second.Layer == L && Fin->second.Entry == int32_t(I);
        std::string Msg = std::string(Kind) + " /" + E.Path + " (" + humanBytes(E.Size) +
                          ") is stored in " + layerName(L);
        Msg += StillThere ? "; anyone who can pull the image can read it"
                          : "; it is hidden in the final image but still readable from the "
                            "layer blob";
        Msg += "; pass it with a build secret (RUN --mount=type=secret) and keep it out of the "
               "build context (lint rule BL2004)";
        emit(make("BL3006", L, Msg));
      }
    }
  }

  // --- BL3007 ------------------------------------------------------------------------------
  void envSecrets() {
    llvm::Regex Secret("(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|ACCESS_?KEY|"
                       "PRIVATE_?KEY|CREDENTIALS?|AUTH)(_|$)",
                       llvm::Regex::IgnoreCase);
    llvm::Regex Reference("_(FILE|PATH|DIR|URL|HOST|PORT|USER|NAME)$", llvm::Regex::IgnoreCase);
    for (const std::string &KV : Img.config().Config.Env) {
      auto [K, V] = llvm::StringRef(KV).split('=');
      if (V.empty() || !Secret.match(K) || Reference.match(K))
        continue;
      Finding F =
          make("BL3007", std::nullopt,
               "ENV " + K.str() + " holds a secret-like value (" + std::to_string(V.size()) +
                   " characters) that every container and `docker inspect` shows; pass "
                   "it at run time or with a build secret");
      locateEnv(F, K);
      emit(std::move(F));
    }
  }

  void locateEnv(Finding &F, llvm::StringRef Key) {
    if (!DF)
      return;
    for (const dockerfile::Instruction &I : DF->Instructions)
      if (I.Kind == InstrKind::Env)
        for (const dockerfile::KeyValue &KV : I.Pairs)
          if (KV.Key.Text == Key) {
            F.File = Opts.DockerfilePath;
            F.Range = KV.Key.Range;
          }
  }

  // --- BL3008, BL3009 ------------------------------------------------------------------------
  void modes() {
    for (const auto &[P, N] : A.Tree.Nodes) {
      if (N.Entry < 0)
        continue;
      const LayerEntry &E = Layers[N.Layer].Entries[N.Entry];
      if (E.Kind == EntryKind::Symlink)
        continue;
      char Oct[8];
      snprintf(Oct, sizeof Oct, "%04o", E.Mode & 07777);
      if ((E.Kind == EntryKind::File || E.Kind == EntryKind::Hardlink) && (E.Mode & 06000))
        emit(make("BL3008", N.Layer,
                  std::string((E.Mode & 04000) ? "setuid" : "setgid") + " file /" + P + " (mode " +
                      Oct + ", owner " + std::to_string(E.Uid) + ":" + std::to_string(E.Gid) +
                      ") from " + layerName(N.Layer) +
                      "; remove the bit (chmod u-s,g-s) unless the program needs it"));
      bool Sticky = E.Kind == EntryKind::Dir && (E.Mode & 01000);
      if ((E.Mode & 0002) && !Sticky)
        emit(make("BL3009", N.Layer,
                  std::string(E.Kind == EntryKind::Dir ? "folder" : "file") + " /" + P +
                      " is world-writable (mode " + Oct + ") from " + layerName(N.Layer) +
                      "; drop o+w (lint rule BL2002)"));
    }
  }

  // --- BL3010 ------------------------------------------------------------------------------
  void root() {
    llvm::StringRef User = Img.config().Config.User;
    llvm::StringRef Name = User.split(':').first;
    if (!(Name.empty() || Name == "root" || Name == "0"))
      return;
    Finding F = make("BL3010", std::nullopt,
                     User.empty() ? "the image sets no USER, so it runs as root; add a USER with "
                                    "a non-root uid (lint rules DL3002, BL2005)"
                                  : "the image runs as USER " + User.str() +
                                        "; switch to a non-root uid (lint rule DL3002)");
    if (DF) {
      dockerfile::StageGraph G = dockerfile::StageGraph::build(*DF);
      if (G.Target >= 0) {
        const dockerfile::Instruction *Last = G.Stages[G.Target].From;
        for (const dockerfile::Instruction *I : G.Stages[G.Target].Instructions)
          if (I->Kind == InstrKind::User)
            Last = I;
        if (Last) {
          F.File = Opts.DockerfilePath;
          F.Range = Last->Range;
        }
      }
    }
    emit(std::move(F));
  }
};

void sizes(Analysis &A, unsigned TopN) {
  std::map<std::string, int64_t> Dirs;
  std::vector<SizedPath> Files;
  for (const auto &[P, N] : A.Tree.Nodes) {
    if (N.Stored < 0)
      continue;
    int64_t S = A.Tree.Stored[N.Stored].Size;
    Files.push_back({P, S});
    for (size_t Pos = P.find('/'); Pos != std::string::npos; Pos = P.find('/', Pos + 1))
      Dirs[P.substr(0, Pos)] += S;
  }
  auto Top = [TopN](std::vector<SizedPath> V) {
    std::stable_sort(V.begin(), V.end(),
                     [](const SizedPath &X, const SizedPath &Y) { return X.Bytes > Y.Bytes; });
    if (V.size() > TopN)
      V.resize(TopN);
    return V;
  };
  A.LargestFiles = Top(std::move(Files));
  std::vector<SizedPath> D;
  D.reserve(Dirs.size());
  for (auto &[P, S] : Dirs)
    D.push_back({P, S});
  A.LargestDirs = Top(std::move(D));
}

} // namespace

Analysis analyzeLayers(const oci::Image &Img, std::vector<LayerScan> Layers,
                       const AnalyzeOptions &Opts) {
  Analysis A;
  A.Image = Opts.ImageName;
  A.Tree = buildTree(Layers);
  A.Dive = diveEfficiency(Layers);

  // Layers <-> history: non-empty-layer entries in order (dive's and Docker's pairing).
  const auto &Hist = Img.config().Hist;
  size_t H = 0;
  for (unsigned L = 0; L < Layers.size(); ++L) {
    LayerReport R;
    R.Index = L;
    if (L < Img.layers().size()) {
      const oci::Descriptor &D = Img.layers()[L];
      R.Digest = D.Dig.str();
      R.MediaType = D.MediaType;
      R.CompressedBytes = D.Size;
    }
    if (L < Img.config().DiffIDs.size())
      R.DiffId = Img.config().DiffIDs[L].str();
    R.TarBytes = Layers[L].TarBytes;
    R.Entries = Layers[L].Entries.size();
    while (H < Hist.size() && Hist[H].EmptyLayer)
      ++H;
    if (H < Hist.size()) {
      R.HistoryIndex = static_cast<int>(H);
      R.CreatedBy = Hist[H].CreatedBy;
      R.Comment = Hist[H].Comment;
      ++H;
    }
    A.Layers.push_back(std::move(R));
  }
  for (const StoredFile &S : A.Tree.Stored) {
    A.Layers[S.Layer].ContentBytes += S.Size;
    if (S.Hidden) {
      A.Layers[S.Layer].WastedBytes += S.Size;
      A.Layers[S.RemovedBy].RemovedBytes += S.Size;
      if (S.Label == CopyLabel::AttrOnly)
        A.AttrOnlyBytes += S.Size;
      else if (S.Label == CopyLabel::Unchanged)
        A.UnchangedCopyBytes += S.Size;
      else if (S.Label == CopyLabel::Moved)
        A.MovedBytes += S.Size;
    }
  }
  A.SizeBytes = A.Tree.storedBytes();
  A.WastedBytes = A.Tree.wastedBytes();
  A.FinalBytes = A.SizeBytes - A.WastedBytes;
  A.WastedByReason = A.Tree.wastedByReason();
  A.Efficiency = A.SizeBytes == 0 ? 1.0 : double(A.FinalBytes) / double(A.SizeBytes);
  int64_t User = 0;
  for (unsigned L = 1; L < A.Layers.size(); ++L)
    User += A.Layers[L].ContentBytes;
  A.UserWastedPercent = User == 0 ? 0.0 : double(A.WastedBytes) / double(User);
  sizes(A, Opts.TopN);
  std::map<std::string, InefficientFile> Ineff;
  for (const StoredFile &S : A.Tree.Stored)
    if (S.Hidden) {
      InefficientFile &I = Ineff[S.LastPath];
      I.Path = "/" + S.LastPath;
      ++I.Count;
      I.WastedBytes += S.Size;
    }
  for (auto &[P, I] : Ineff) {
    auto N = A.Tree.Nodes.find(P);
    if (N != A.Tree.Nodes.end() && N->second.Stored >= 0)
      ++I.Count;
    A.Inefficient.push_back(std::move(I));
  }
  std::stable_sort(A.Inefficient.begin(), A.Inefficient.end(),
                   [](const InefficientFile &X, const InefficientFile &Y) {
                     return X.WastedBytes > Y.WastedBytes;
                   });

  std::optional<dockerfile::Dockerfile> DF;
  if (!Opts.DockerfilePath.empty()) {
    DF.emplace(dockerfile::parse(Opts.DockerfilePath, Opts.DockerfileText));
    A.Dockerfile = DF->Source;
    mapDockerfile(A, *DF);
  }
  Detector(A, Layers, Img, Opts, DF ? &*DF : nullptr).run();
  for (Finding &F : A.Findings)
    if (A.Dockerfile && F.File == Opts.DockerfilePath)
      F.locate(*A.Dockerfile);
  std::stable_sort(A.Findings.begin(), A.Findings.end(),
                   [](const Finding &X, const Finding &Y) { return X.RuleId < Y.RuleId; });
  return A;
}

llvm::Expected<Analysis> analyzeImage(const oci::Image &Img, const AnalyzeOptions &Opts) {
  auto Layers = scanImage(Img, Opts.Scan);
  if (!Layers)
    return Layers.takeError();
  return analyzeLayers(Img, std::move(*Layers), Opts);
}

} // namespace ballast::analyzer
