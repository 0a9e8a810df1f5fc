//===- Plan.h - From a parsed Dockerfile to a build plan ---------*- C++ -*-===//
//
// The build plan BuildKit's dockerfile2llb would make: the stages the target needs (with the
// waves that can build in parallel), and per stage its steps with every argument expanded under
// BuildKit's ARG/ENV scope rules, plus the image config and history exactly as BuildKit writes
// them (`created_by` texts, empty_layer, ENTRYPOINT resetting an inherited CMD, ONBUILD
// triggers of a base run first). Planning needs the config of external base images, which a
// resolver supplies; everything else is pure, so plans are tested without a store.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dockerfile/Ast.h"
#include "dockerfile/Check.h"
#include "oci/Manifest.h"
#include "oci/Platform.h"

namespace ballast::builder {

/// What the user asked for: target, build args, labels, platforms, SOURCE_DATE_EPOCH.
struct PlanOptions {
  std::string Target; ///< "" builds the last stage
  std::map<std::string, std::string> BuildArgs;
  std::map<std::string, std::string> Labels; ///< `--label`, added to the target's config
  std::optional<oci::Platform> Platform;     ///< `--platform`; none means the build platform
  oci::Platform BuildPlatform = oci::Platform::host();
};

/// Supplies the config of an external base image (FROM name) for a platform.
using BaseResolver =
    std::function<llvm::Expected<oci::ImageConfig>(llvm::StringRef Name, const oci::Platform &)>;

/// One `--mount` of a RUN, with BuildKit's defaults applied and values expanded.
struct RunMount {
  std::string Type = "bind"; ///< bind, cache, tmpfs, secret, ssh
  std::string Target;
  std::string Source;
  std::string From; ///< stage name/index or image; "" is the context (bind) or nothing
  int FromStage = -1;
  std::string Id;
  std::string Sharing = "shared";
  std::string Mode;
  std::string Env; ///< secret as an environment variable
  std::optional<uint32_t> Uid, Gid;
  uint64_t Size = 0;
  bool ReadOnly = false;
  bool Required = false;
};

/// An inline file of COPY/ADD (`COPY <<EOF /dst`), or a RUN heredoc script.
struct InlineSource {
  std::string Name;
  std::string Data;
};

/// Where a RUN heredoc starting with `#!` is mounted (read-only, as NAME with mode 0755).
inline constexpr const char *HeredocScriptDir = "/dev/pipes";

/// What a RUN executes.
struct RunSpec {
  std::vector<std::string> Args; ///< argv, the shell form wrapped in SHELL
  std::vector<RunMount> Mounts;
  /// Heredocs with a shebang, run as files from HeredocScriptDir (Args names the file).
  std::vector<InlineSource> Scripts;
  std::string Network;               ///< `--network` ("" = the build's default)
  std::string Security;              ///< `--security`
  std::vector<std::string> ProxyEnv; ///< HTTP_PROXY and friends from build args (not cached)
};

/// What a COPY or ADD copies, expanded.
struct CopySpec {
  bool IsAdd = false;
  std::vector<std::string> Sources; ///< as written after expansion (paths, globs or URLs)
  std::vector<InlineSource> Inline; ///< heredoc sources
  std::string Dest;                 ///< as written after expansion
  std::string DestPath;             ///< absolute, against WORKDIR, trailing slash kept
  std::string From;                 ///< `--from` as written; "" is the context
  int FromStage = -1;               ///< the stage it names, else -1 (an image when From != "")
  std::string Chown, Chmod, Checksum;
  std::vector<std::string> Excludes;
  bool Link = false, Parents = false;
  std::optional<bool> KeepGitDir, Unpack;
};

/// One step of a stage in build order (ONBUILD triggers of the base first).
struct Step {
  const dockerfile::Instruction *Instr = nullptr;
  dockerfile::InstrKind Kind = dockerfile::InstrKind::Unknown;
  bool FromOnBuild = false;
  /// What the progress shows: `RUN apt-get update`, `COPY app /app` (keyword upper case).
  std::string Display;
  /// The history entry the step adds (none for ONBUILD, which only records its trigger).
  std::optional<oci::History> Hist;
  /// True when the step changes files: RUN, COPY, ADD, and WORKDIR other than "/".
  bool ChangesFiles = false;
  /// The environment, user and directory the step runs with (after the step's own effect for
  /// WORKDIR, which creates this directory).
  std::vector<std::string> Env;
  std::string User, WorkDir;
  oci::Platform Platform;
  std::optional<RunSpec> Run;
  std::optional<CopySpec> Copy;
  /// Everything but the parent and file contents that determines the step's result; the cache
  /// key is built from it.
  std::string CacheText;
};

/// One stage of the plan.
struct StagePlan {
  unsigned Index = 0;
  std::string Name;        ///< the `AS` name (lower case), "" when unnamed
  std::string DisplayName; ///< Name, or "stage-N"
  const dockerfile::Instruction *From = nullptr;
  std::string BaseName; ///< FROM after expansion
  int BaseStage = -1;   ///< FROM names an earlier stage
  bool Scratch = false;
  oci::Platform Platform;
  std::optional<oci::ImageConfig> BaseConfig; ///< the external base's config as resolved
  std::vector<Step> Steps;
  std::set<unsigned> Deps;               ///< stages needed first (FROM, --from, mount from=)
  std::set<std::string> ExternalSources; ///< images named by --from / mount from=
  /// The stage's image config: base config, every step's effect, the history; Created and
  /// DiffIDs are left to the builder.
  oci::ImageConfig Config;
  bool Needed = false; ///< the target or a stage it depends on
};

/// The whole plan.
struct BuildPlan {
  std::vector<StagePlan> Stages; ///< every stage in file order; only Needed ones are planned
  unsigned Target = 0;
  /// Needed stages grouped in waves: every stage's dependencies are in earlier waves, so the
  /// stages of one wave can build in parallel.
  std::vector<std::vector<unsigned>> Waves;
  /// The meta (global) ARG scope after build args: name and value.
  std::vector<std::pair<std::string, std::string>> GlobalArgs;
  /// Build args given but not declared by any ARG (Docker warns about these).
  std::vector<std::string> UnusedBuildArgs;
  /// Parsed ONBUILD triggers, kept alive for the steps that point into them.
  std::vector<std::unique_ptr<dockerfile::Dockerfile>> TriggerFiles;
};

/// Plans the build of DF; errors are `file:line:col: message` with BuildKit's wording.
llvm::Expected<BuildPlan> makePlan(const dockerfile::Dockerfile &DF, const PlanOptions &Opts,
                                   const BaseResolver &Resolve);

/// Docker's default PATH for Linux.
extern const char *const DefaultPathEnv;

/// Go's time.Duration.String ("1m30s", "500ms", "0s").
std::string goDuration(int64_t Nanos);
/// Go's time.ParseDuration (HEALTHCHECK's flags are checked with it before planning).
using dockerfile::parseGoDuration;
/// moby/sys/signal.ParseSignal: a number or a name with or without SIG; returns the number.
llvm::Expected<int> parseSignal(llvm::StringRef S);
/// nat.ParsePortSpec as BuildKit uses it for EXPOSE: "80" -> {"80/tcp"}, ranges expanded.
llvm::Expected<std::vector<std::string>> parsePortSpec(llvm::StringRef Raw);
/// Go's `%q` of a []string: `["a" "b"]`.
std::string goQuoteList(const std::vector<std::string> &L);
/// Go's `%v` of a []string: `[a b]`.
std::string goList(const std::vector<std::string> &L);
/// BuildKit's system.NormalizeWorkdir for Linux: Wd relative to Current, cleaned.
std::string normalizeWorkdir(llvm::StringRef Current, llvm::StringRef Wd);

} // namespace ballast::builder
