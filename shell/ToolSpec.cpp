//===- ToolSpec.cpp - Which options of a tool take a value ------------------===//
#include "shell/ToolSpec.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/Endian.h"

namespace ballast::shell {

using llvm::StringLiteral;

bool ToolSpec::shortTakesValue(char C) const {
  return C != '\0' && llvm::StringRef(ShortWithValue).contains(C);
}

bool ToolSpec::longTakesValue(llvm::StringRef Option) const {
  return llvm::is_contained(LongWithValue, Option);
}

namespace {

constexpr StringLiteral AptLong[] = {
    "--option",          "--config-file",       "--target-release",
    "--default-release", "--host-architecture", "--build-profiles"};
constexpr StringLiteral ApkLong[] = {
    "--repository", "--root",       "--virtual", "--repositories-file",
    "--keys-dir",   "--cache-dir",  "--arch",    "--cache-max-age",
    "--wait",       "--progress-fd"};
constexpr StringLiteral YumLong[] = {
    "--config",     "--debuglevel",   "--errorlevel",  "--exclude",         "--excludepkgs",
    "--enablerepo", "--disablerepo",  "--installroot", "--releasever",      "--setopt",
    "--repo",       "--repoid",       "--downloaddir", "--destdir",         "--repofrompath",
    "--forcearch",  "--rpmverbosity", "--color",       "--disableexcludes", "--randomwait",
    "--nobest"};
constexpr StringLiteral MicrodnfLong[] = {"--enablerepo",  "--disablerepo", "--setopt",
                                          "--installroot", "--releasever",  "--config"};
constexpr StringLiteral ZypperLong[] = {"--config", "--root", "--reposd-dir", "--cache-dir",
                                        "--repo",   "--type", "--from"};
constexpr StringLiteral PipLong[] = {"--requirement",
                                     "--constraint",
                                     "--editable",
                                     "--index-url",
                                     "--find-links",
                                     "--target",
                                     "--extra-index-url",
                                     "--trusted-host",
                                     "--prefix",
                                     "--root",
                                     "--src",
                                     "--cache-dir",
                                     "--log",
                                     "--proxy",
                                     "--retries",
                                     "--timeout",
                                     "--platform",
                                     "--python-version",
                                     "--implementation",
                                     "--abi",
                                     "--only-binary",
                                     "--no-binary",
                                     "--progress-bar",
                                     "--upgrade-strategy",
                                     "--global-option",
                                     "--install-option",
                                     "--config-settings",
                                     "--dest",
                                     "--exists-action",
                                     "--cert",
                                     "--client-cert",
                                     "--report",
                                     "--root-user-action",
                                     "--python"};
constexpr StringLiteral NpmLong[] = {"--registry", "--prefix",    "--cache",       "--userconfig",
                                     "--tag",      "--loglevel",  "--omit",        "--include",
                                     "--only",     "--workspace", "--save-prefix", "--otp"};
constexpr StringLiteral YarnLong[] = {
    "--cwd",   "--modules-folder", "--cache-folder",  "--network-timeout",
    "--mutex", "--registry",       "--global-folder", "--link-folder"};
constexpr StringLiteral PnpmLong[] = {"--dir",      "--filter",   "--store-dir",
                                      "--reporter", "--registry", "--loglevel"};
constexpr StringLiteral GemLong[] = {"--version",    "--install-dir", "--bindir",       "--source",
                                     "--http-proxy", "--platform",    "--trust-policy", "--file"};
constexpr StringLiteral GoLong[] = {"-o",         "-ldflags",  "-gcflags",
                                    "-asmflags",  "-tags",     "-mod",
                                    "-modfile",   "-p",        "-pkgdir",
                                    "-buildmode", "-compiler", "-installsuffix",
                                    "-toolexec",  "-overlay",  "-C",
                                    "-exec",      "-run",      "-bench",
                                    "-count",     "-timeout",  "-coverprofile",
                                    "-covermode", "-coverpkg", "-cpu",
                                    "-parallel",  "-buildvcs", "-pgo"};
constexpr StringLiteral ComposerLong[] = {"--working-dir", "--prefer-install",
                                          "--ignore-platform-req", "--apcu-autoloader-prefix"};
constexpr StringLiteral CurlLong[] = {"--output",
                                      "--header",
                                      "--data",
                                      "--data-raw",
                                      "--data-binary",
                                      "--data-urlencode",
                                      "--user",
                                      "--user-agent",
                                      "--referer",
                                      "--request",
                                      "--proxy",
                                      "--upload-file",
                                      "--form",
                                      "--cookie",
                                      "--cookie-jar",
                                      "--max-time",
                                      "--write-out",
                                      "--range",
                                      "--continue-at",
                                      "--config",
                                      "--cert",
                                      "--proxy-user",
                                      "--speed-time",
                                      "--speed-limit",
                                      "--time-cond",
                                      "--dump-header",
                                      "--retry",
                                      "--retry-delay",
                                      "--retry-max-time",
                                      "--connect-timeout",
                                      "--cacert",
                                      "--capath",
                                      "--key",
                                      "--resolve",
                                      "--output-dir",
                                      "--limit-rate",
                                      "--max-redirs",
                                      "--interface",
                                      "--proto",
                                      "--proto-redir",
                                      "--url",
                                      "--unix-socket",
                                      "--netrc-file",
                                      "--ciphers",
                                      "--tlsv1.2-ciphers"};
constexpr StringLiteral WgetLong[] = {"--output-document",
                                      "--output-file",
                                      "--append-output",
                                      "--directory-prefix",
                                      "--tries",
                                      "--timeout",
                                      "--wait",
                                      "--user-agent",
                                      "--execute",
                                      "--input-file",
                                      "--base",
                                      "--quota",
                                      "--level",
                                      "--accept",
                                      "--reject",
                                      "--domains",
                                      "--header",
                                      "--user",
                                      "--password",
                                      "--http-user",
                                      "--http-password",
                                      "--post-data",
                                      "--post-file",
                                      "--ca-certificate",
                                      "--ca-directory",
                                      "--certificate",
                                      "--private-key",
                                      "--limit-rate",
                                      "--load-cookies",
                                      "--save-cookies",
                                      "--progress",
                                      "--bind-address",
                                      "--dns-timeout",
                                      "--connect-timeout",
                                      "--read-timeout",
                                      "--waitretry",
                                      "--method",
                                      "--body-data",
                                      "--referer"};
constexpr StringLiteral UseraddLong[] = {
    "--uid",      "--gid",  "--groups",     "--home-dir",    "--home", "--shell",
    "--comment",  "--skel", "--expiredate", "--inactive",    "--key",  "--password",
    "--base-dir", "--root", "--prefix",     "--selinux-user"};
constexpr StringLiteral AdduserLong[] = {"--uid",     "--gid",     "--home",     "--shell",
                                         "--gecos",   "--ingroup", "--conf",     "--firstuid",
                                         "--lastuid", "--comment", "--firstgid", "--lastgid"};
constexpr StringLiteral ReferenceLong[] = {"--reference"};
constexpr StringLiteral ChownLong[] = {"--reference", "--from"};
constexpr StringLiteral TarLong[] = {"--file",
                                     "--directory",
                                     "--files-from",
                                     "--exclude-from",
                                     "--exclude",
                                     "--strip-components",
                                     "--transform",
                                     "--owner",
                                     "--group",
                                     "--mode",
                                     "--mtime",
                                     "--format",
                                     "--use-compress-program",
                                     "--newer",
                                     "--listed-incremental",
                                     "--label",
                                     "--blocking-factor",
                                     "--checkpoint-action",
                                     "--index-file",
                                     "--to-command",
                                     "--xform",
                                     "--newer-mtime",
                                     "--tape-length",
                                     "--info-script"};
constexpr StringLiteral GitLong[] = {"--git-dir",
                                     "--work-tree",
                                     "--namespace",
                                     "--branch",
                                     "--depth",
                                     "--origin",
                                     "--reference",
                                     "--config",
                                     "--jobs",
                                     "--shallow-since",
                                     "--shallow-exclude",
                                     "--filter",
                                     "--separate-git-dir",
                                     "--template",
                                     "--message",
                                     "--upload-pack",
                                     "--recurse-submodules-default"};
constexpr StringLiteral DpkgLong[] = {"--admindir", "--instdir",      "--root",
                                      "--debug",    "--path-exclude", "--path-include",
                                      "--log",      "--status-fd",    "--ignore-depends"};
constexpr StringLiteral MkdirLong[] = {"--mode", "--context"};
constexpr StringLiteral LnLong[] = {"--suffix", "--target-directory"};
constexpr StringLiteral SedLong[] = {"--expression", "--file", "--line-length"};

// Sorted by name (for allToolSpecs).
constexpr ToolSpec Specs[] = {
    {.Name = "adduser", .ShortWithValue = "hgsGuk", .LongWithValue = AdduserLong},
    {.Name = "apk", .HasSubcommand = true, .ShortWithValue = "Xpt", .LongWithValue = ApkLong},
    {.Name = "apt", .HasSubcommand = true, .ShortWithValue = "actoP", .LongWithValue = AptLong},
    {.Name = "apt-get", .HasSubcommand = true, .ShortWithValue = "actoP", .LongWithValue = AptLong},
    {.Name = "cd"},
    {.Name = "chmod", .LongWithValue = ReferenceLong},
    {.Name = "chown", .LongWithValue = ChownLong},
    {.Name = "composer",
     .HasSubcommand = true,
     .ShortWithValue = "d",
     .LongWithValue = ComposerLong},
    {.Name = "curl", .ShortWithValue = "oHdAeXxTFbcmwrCKEUyYzDtPQu", .LongWithValue = CurlLong},
    {.Name = "dnf", .HasSubcommand = true, .ShortWithValue = "cdexR", .LongWithValue = YumLong},
    {.Name = "dpkg", .ShortWithValue = "D", .LongWithValue = DpkgLong},
    {.Name = "gem", .HasSubcommand = true, .ShortWithValue = "vinspP", .LongWithValue = GemLong},
    {.Name = "git", .HasSubcommand = true, .ShortWithValue = "Ccbjm", .LongWithValue = GitLong},
    {.Name = "go", .HasSubcommand = true, .SingleDashLong = true, .LongWithValue = GoLong},
    {.Name = "ln", .ShortWithValue = "St", .LongWithValue = LnLong},
    {.Name = "microdnf", .HasSubcommand = true, .LongWithValue = MicrodnfLong},
    {.Name = "mkdir", .ShortWithValue = "m", .LongWithValue = MkdirLong},
    {.Name = "npm", .HasSubcommand = true, .ShortWithValue = "w", .LongWithValue = NpmLong},
    {.Name = "pip", .HasSubcommand = true, .ShortWithValue = "rcefitdC", .LongWithValue = PipLong},
    {.Name = "pnpm", .HasSubcommand = true, .ShortWithValue = "CF", .LongWithValue = PnpmLong},
    {.Name = "rm"},
    {.Name = "sed", .ShortWithValue = "efl", .ShortOptionalValue = "i", .LongWithValue = SedLong},
    {.Name = "tar",
     .OldStyleFirstArg = true,
     .ShortWithValue = "fCTXbHIKLNgVF",
     .LongWithValue = TarLong},
    {.Name = "useradd", .ShortWithValue = "ugGdsckefKpbRPZ", .LongWithValue = UseraddLong},
    {.Name = "wget", .ShortWithValue = "OoaPtTwUeiBQlARDIX", .LongWithValue = WgetLong},
    {.Name = "yarn", .HasSubcommand = true, .LongWithValue = YarnLong},
    {.Name = "yum", .HasSubcommand = true, .ShortWithValue = "cdexR", .LongWithValue = YumLong},
    {.Name = "zypper",
     .HasSubcommand = true,
     .ShortWithValue = "cRDCrt",
     .LongWithValue = ZypperLong},
};

/// The slots of SlotTable.
constexpr unsigned Slots = 128;

/// The slot of a name in SlotTable: a hash of its length, first and last bytes, under which no
/// two of the names below share a slot, so that a name is found, or turned down, by its one slot.
/// (A new name that lands in a taken slot would never be found: ToolSpecTest looks every name up;
/// change the factors until each has a slot of its own again.)
unsigned slotOf(llvm::StringRef Name) {
  return (static_cast<unsigned>(Name.size()) + 5 * static_cast<unsigned char>(Name.front()) +
          7 * static_cast<unsigned char>(Name.back())) &
         (Slots - 1);
}

/// The shells whose `-c` argument is a script, with their kind (see CommandLookup::Shell). They
/// have no spec.
struct ShellName {
  llvm::StringLiteral Name;
  uint8_t Kind;
};
constexpr ShellName Shells[] = {{"sh", 1},   {"ash", 1},  {"zsh", 1}, {"ksh", 1},    {"bash", 1},
                                {"dash", 1}, {"mksh", 1}, {"su", 2},  {"runuser", 2}};

/// The spec and shell names by slotOf, one a slot, built when the program starts (a function's
/// static cost a guard test on every lookup; no lookup runs before main). Every command of every
/// RUN is looked up, and most are no tool at all: a slot whose name has another length (an empty
/// one has length 0) turns a name down at once, with no slots after it to probe.
struct SlotTable {
  /// The length of the slot's name; 0 for an empty slot.
  uint8_t Size[Slots] = {};
  /// The slot's shell kind (0 for a spec).
  uint8_t Shell[Slots] = {};
  /// nameKey of the slot's name.
  uint64_t Key[Slots] = {};
  /// The slot's spec, or null for a shell.
  const ToolSpec *Spec[Slots] = {};

  /// Out of line: inlined into lookup, it would make every call save and restore registers.
  LLVM_ATTRIBUTE_NOINLINE SlotTable() {
    for (const ToolSpec &S : Specs)
      add(S.Name, &S, 0);
    for (const ShellName &S : Shells)
      add(S.Name, nullptr, S.Kind);
  }

private:
  void add(llvm::StringRef Name, const ToolSpec *S, uint8_t Kind) {
    unsigned H = slotOf(Name);
    assert(!Size[H] && "two names share a slot: change slotOf's factors");
    Size[H] = static_cast<uint8_t>(Name.size());
    Shell[H] = Kind;
    Key[H] = nameKey(Name.data(), Name.size());
    Spec[H] = S;
  }
};

const SlotTable Table;

/// The slot of Name, or -1. Inline: every command name is looked up, most of them once and in
/// vain.
LLVM_ATTRIBUTE_ALWAYS_INLINE int slotFor(llvm::StringRef Name) {
  unsigned H = slotOf(Name);
  if (Table.Size[H] == Name.size() && Table.Key[H] == nameKey(Name.data(), Name.size()))
    return static_cast<int>(H);
  return -1;
}

LLVM_ATTRIBUTE_ALWAYS_INLINE const ToolSpec *lookup(llvm::StringRef Name) {
  int H = slotFor(Name);
  return H < 0 ? nullptr : Table.Spec[H];
}

/// The spec of a name with a version suffix ("pip3", "pip3.11", "gem2.7") by its stem. Out of
/// line, so that findToolSpec, which turns down most names of every RUN, inlines one lookup and
/// saves no registers for a second.
LLVM_ATTRIBUTE_NOINLINE const ToolSpec *lookupStem(llvm::StringRef Basename) {
  llvm::StringRef Stem = Basename;
  while (!Stem.empty() && (llvm::isDigit(Stem.back()) || Stem.back() == '.'))
    Stem = Stem.drop_back();
  return Stem.empty() ? nullptr : lookup(Stem);
}

} // namespace

const ToolSpec *findToolSpec(llvm::StringRef Basename) { return lookupCommand(Basename).Spec; }

CommandLookup lookupCommand(llvm::StringRef Basename) {
  if (Basename.empty())
    return {};
  int H = slotFor(Basename);
  if (H >= 0 && Table.Spec[H])
    return {Table.Spec[H], 0};
  uint8_t Shell = H >= 0 ? Table.Shell[H] : 0;
  // "pip3", "pip3.11", "gem2.7": drop a version suffix and try again.
  char Last = Basename.back();
  if (!llvm::isDigit(Last) && Last != '.')
    return {nullptr, Shell};
  return {lookupStem(Basename), Shell};
}

llvm::ArrayRef<ToolSpec> allToolSpecs() { return Specs; }

} // namespace ballast::shell
